#include "experiments/run/Calibration.hpp"

#include "experiments/config/ConfigTree.hpp"
#include "experiments/config/OutputSpec.hpp"
#include "experiments/run/OutputValues.hpp"
#include "experiments/run/Provenance.hpp"
#include "experiments/run/RunExperiment.hpp"
#include "experiments/run/SafePaths.hpp"
#include "experiments/run/UsageError.hpp"
#include "experiments/stats/NelderMead.hpp"
#include "sim/recording/Hdf5File.hpp"

#include <sys/stat.h>
#include <Eigen/Dense>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <ostream>
#include <sstream>

namespace experiments {
namespace fs = std::filesystem;
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ95 = 1.959963984540054;  // the standard normal's 97.5 % quantile

std::size_t read_firm(ConfigNode& node, const ExperimentConfig& base) {
    const std::string who = node.required_text("firm");
    for (std::size_t f = 0; f < base.market.firms.size(); ++f)
        if (base.market.firms[f].name == who || std::to_string(f) == who) return f;
    throw node.error("firm", "no firm is called \"" + who + "\" (give a firm's index or name)");
}

// A TARP cell's target may say at which horizon it was measured; it must be
// the horizon the config's table is kept at (mechanisms.tarp.horizon).
void check_tarp_horizon(ConfigNode& node, const SensitivityOutput& output, const ExperimentConfig& base) {
    if (!node.has("horizon")) return;
    const std::uint32_t kept = base.market.mechanisms.tarp.horizon;
    const auto horizon = node.integer("horizon", kept, 1, std::numeric_limits<std::uint32_t>::max());
    if (output.tarp_outcome.empty()) throw node.error("horizon", "horizon: belongs to a tarp: target");
    if (horizon != kept)
        throw node.error("horizon", "the config keeps its TARP table at horizon " + std::to_string(kept) +
                                        " (mechanisms.tarp.horizon), not " + std::to_string(horizon) +
                                        "; set the config's horizon to the target's");
}

// A unit coordinate (0..1 over the range) as the parameter's value.
double value_at(const SweepParameter& p, double u) {
    u = std::clamp(u, 0.0, 1.0);
    return p.scale == SweepScale::Log ? std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)))
                                      : p.low + u * (p.high - p.low);
}

double unit_of(const SweepParameter& p, double v) {
    return p.scale == SweepScale::Log ? (std::log(v) - std::log(p.low)) / (std::log(p.high) - std::log(p.low))
                                      : (v - p.low) / (p.high - p.low);
}

// FIT.h5.partial/: the folder of a calibration under way (each trial's
// results, then the fit before it is renamed into place), made by this
// process with mkdir, so that no file of the fit is written through a link
// planted beside FIT.h5. One left by a killed calibrate is removed with
// --overwrite, never followed if it is a link. Removed at the end, whether
// the fit succeeded or not.
struct WorkFolder {
    std::string path;
    WorkFolder(std::string folder, bool overwrite) : path(std::move(folder)) {
        const EntryKind kind = entry_kind(path);
        if (kind == EntryKind::Folder && overwrite)
            fs::remove_all(path);
        else if (kind != EntryKind::Missing)
            throw UsageError(path + " is in the way (" + describe_entry(kind) +
                             (kind == EntryKind::Folder ? ", left by an interrupted calibrate: --overwrite removes it"
                                                        : "; remove it") +
                             ")");
        if (::mkdir(path.c_str(), 0700) != 0)
            throw UsageError(path + ": cannot create the calibration's work folder: " + std::strerror(errno));
    }
    ~WorkFolder() {
        std::error_code ignored;
        if (entry_kind(path) == EntryKind::Folder) fs::remove_all(path, ignored);
    }
    WorkFolder(const WorkFolder&) = delete;
    WorkFolder& operator=(const WorkFolder&) = delete;
};

struct Trial {
    std::string phase;             // search or curvature
    std::vector<double> values;    // the parameters, in their units
    std::vector<double> mean, se;  // per target: mean over replications, its standard error
    double objective = kNaN;
};

// Runs the config at `values` (every replication, the same streams at every
// trial) and reads each target's output.
Trial run_trial(const ExperimentConfig& base, const std::vector<CalibrationTarget>& targets,
                const std::vector<double>& values, const std::string& file, int jobs) {
    std::vector<std::string> sets = base.overrides;
    for (std::size_t k = 0; k < values.size(); ++k)
        sets.push_back(base.calibration.parameters[k].range.key + "=" + format_number(values[k]));
    const ExperimentConfig config = load_experiment_config(base.file, sets);
    RunOptions run;
    run.output_path = file;
    run.overwrite = true;
    run.jobs = jobs;
    const ExperimentResult result = run_experiment(config, run);
    Trial t{"", values, {}, {}, kNaN};
    const sim::h5::File h5(file, sim::h5::Mode::ReadOnly);
    for (const CalibrationTarget& target : targets) {
        const RunValues v = output_values(h5.root(), result.runs, target.output, config.market.firms.size());
        double sum = 0, squares = 0, n = 0;
        for (const auto& run_values : v)
            if (std::isfinite(run_values[target.firm])) sum += run_values[target.firm], n += 1;
        const double mean = n > 0 ? sum / n : kNaN;
        for (const auto& run_values : v)
            if (std::isfinite(run_values[target.firm]))
                squares += (run_values[target.firm] - mean) * (run_values[target.firm] - mean);
        t.mean.push_back(mean);
        t.se.push_back(n > 1 ? std::sqrt(squares / (n - 1) / n) : 0.0);
    }
    fs::remove(file);
    return t;
}

// The objective: sum of squared z-scores, z = (simulated - target) / w with
// w^2 = target sd^2 + the simulation's standard error^2 at the start (fixed, so
// that the weights do not move with the parameters).
double objective(const Trial& t, const std::vector<CalibrationTarget>& targets, const std::vector<double>& weight) {
    double q = 0;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const double z = (t.mean[i] - targets[i].value) / weight[i];
        q += z * z;
    }
    return q;
}

struct Fit {
    std::vector<double> best_unit;
    Eigen::MatrixXd covariance_unit;  // NaN when the curvature is not positive definite
    bool positive_definite = false;
};

void write_fit(const std::string& path, const ExperimentConfig& base, const std::vector<CalibrationTarget>& targets,
               const CalibrateOptions& options, const std::vector<Trial>& trials, const std::vector<double>& weight,
               const Fit& fit, const NelderMeadResult& search, const Trial& best) {
    sim::h5::File file(path, sim::h5::Mode::CreateTruncate);
    const sim::h5::Group root = file.root();
    write_provenance(root, collect_provenance(options.command_line, 0), base);
    const sim::h5::Group g = root.create_group("calibration");
    const auto& params = base.calibration.parameters;
    std::ifstream in(options.targets_path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    g.set_attribute("targets_file", options.targets_path);
    g.set_attribute("targets", text.str());
    g.set_attribute("method",
                    "Nelder-Mead (1965) on sum of squared z-scores, common random numbers across trials; interval from "
                    "the curvature: covariance = 2 H^-1 in the unit of each range, 95 % normal interval");
    g.set_attribute("trials", static_cast<std::int64_t>(trials.size()));
    g.set_attribute("search_evaluations", static_cast<std::int64_t>(search.evaluations));
    g.set_attribute("converged", search.converged ? "true" : "false");
    g.set_attribute("objective", search.value);
    g.set_attribute("curvature_positive_definite", fit.positive_definite ? "true" : "false");

    const sim::h5::Group p = g.create_group("fit");
    std::vector<std::string> key;
    std::vector<double> estimate, se, low, high, start, range_low, range_high;
    for (std::size_t k = 0; k < params.size(); ++k) {
        const SweepParameter& r = params[k].range;
        key.push_back(r.key);
        const double u = fit.best_unit[k];
        estimate.push_back(value_at(r, u));
        const double su =
            fit.positive_definite
                ? std::sqrt(fit.covariance_unit(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k)))
                : kNaN;
        // The interval is symmetric in the unit coordinate (log scale: in log value).
        const auto at = [&](double uu) {
            return r.scale == SweepScale::Log ? std::exp(std::log(r.low) + uu * (std::log(r.high) - std::log(r.low)))
                                              : r.low + uu * (r.high - r.low);
        };
        se.push_back(r.scale == SweepScale::Log ? kNaN : su * (r.high - r.low));
        low.push_back(at(u - kZ95 * su));
        high.push_back(at(u + kZ95 * su));
        start.push_back(params[k].start);
        range_low.push_back(r.low);
        range_high.push_back(r.high);
    }
    p.write_column("parameter", key, "the fitted config key");
    p.write_column("estimate", estimate, "config units", "best fit");
    p.write_column("std_error", se, "config units", "from the curvature (linear scale; NaN on a log scale)");
    p.write_column("ci_low", low, "config units", "95 % interval from the curvature, lower end");
    p.write_column("ci_high", high, "config units", "95 % interval from the curvature, upper end");
    p.write_column("start", start, "config units", "where the search started");
    p.write_column("low", range_low, "config units", "the range's lower end");
    p.write_column("high", range_high, "config units", "the range's upper end");

    const sim::h5::Group t = g.create_group("targets");
    std::vector<std::string> label, output;
    std::vector<std::int64_t> firm;
    std::vector<double> value, sd, w, fitted, fitted_se, z;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        label.push_back(targets[i].label);
        output.push_back(targets[i].output.name);
        firm.push_back(static_cast<std::int64_t>(targets[i].firm));
        value.push_back(targets[i].value);
        sd.push_back(targets[i].sd);
        w.push_back(weight[i]);
        fitted.push_back(best.mean[i]);
        fitted_se.push_back(best.se[i]);
        z.push_back((best.mean[i] - targets[i].value) / weight[i]);
    }
    t.write_column("output", output, "the output (as in /sensitivity)");
    t.write_column("firm", firm, "1", "firm index");
    t.write_column("value", value, "output units", "the target");
    t.write_column("sd", sd, "output units", "the target's standard error");
    t.write_column("weight", w, "output units", "sqrt(sd^2 + the simulation's standard error at the start^2)");
    t.write_column("fitted", fitted, "output units", "the model at the best fit, mean over replications");
    t.write_column("fitted_se", fitted_se, "output units", "its standard error over replications");
    t.write_column("z", z, "1", "(fitted - value) / weight");

    const sim::h5::Group tr = g.create_group("trials");
    std::vector<std::int64_t> id;
    std::vector<std::string> phase;
    std::vector<double> q;
    for (std::size_t i = 0; i < trials.size(); ++i) {
        id.push_back(static_cast<std::int64_t>(i));
        phase.push_back(trials[i].phase);
        q.push_back(trials[i].objective);
    }
    tr.write_column("trial", id, "1", "in the order run");
    tr.write_column("phase", phase, "search (Nelder-Mead) or curvature (finite differences at the best fit)");
    for (std::size_t k = 0; k < params.size(); ++k) {
        std::vector<double> v;
        for (const Trial& trial : trials) v.push_back(trial.values[k]);
        tr.write_column(params[k].range.key, v, "config units", "the parameter's value at this trial");
    }
    for (std::size_t i = 0; i < targets.size(); ++i) {
        std::vector<double> v;
        for (const Trial& trial : trials) v.push_back(trial.mean[i]);
        tr.write_column("target_" + std::to_string(i), v, "output units", "simulated " + targets[i].label);
    }
    tr.write_column("objective", q, "1", "sum of squared z-scores");
    root.set_attribute("finished_at", utc_now_iso8601());
    root.set_attribute("status", "complete");
    file.flush();
}

}  // namespace

std::vector<CalibrationTarget> read_targets(const std::string& path, const ExperimentConfig& base) {
    if (!fs::is_regular_file(path)) throw ConfigError({path, 0, 0, ""}, "no such targets file");
    YAML::Node tree;
    try {
        tree = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
        throw ConfigError({path, e.mark.is_null() ? 0 : e.mark.line + 1, 0, ""}, "not valid YAML: " + e.msg);
    }
    auto source = std::make_shared<ConfigSource>();
    source->file = path;
    ConfigNode root(source, tree.IsMap() ? tree : YAML::Node(YAML::NodeType::Map), "", YAML::Node(YAML::NodeType::Map));
    std::vector<CalibrationTarget> targets;
    for (auto& node : root.mappings("targets", true)) {
        CalibrationTarget t;
        t.output = read_output_spec(node, base.experiment.ticks);
        check_tarp_horizon(node, t.output, base);
        t.firm = read_firm(node, base);
        if (!node.has("value")) throw node.error("value", "a target needs its value");
        t.value = node.number("value", 0.0);
        if (!node.has("sd"))
            throw node.error("sd", "a target needs its uncertainty: sd, the standard error of its value (> 0)");
        t.sd = node.number("sd", 0.0);
        if (!(t.sd > 0)) throw node.error("sd", "must be above 0: a target without uncertainty cannot be weighed");
        node.finish();
        t.label = t.output.name + " " + base.market.firms[t.firm].name;
        targets.push_back(t);
    }
    root.finish();
    if (targets.empty()) throw root.error("targets", "list at least one target");
    return targets;
}

void check_calibration_config(const ExperimentConfig& base) {
    if (base.calibration.parameters.empty())
        throw ConfigError({base.file, 0, 0, "calibration"},
                          "calibrate needs a calibration section with parameters: [{key, low, high, start}]");
    // Located at the section that is in the way (the config has been read, so it parses).
    auto source = std::make_shared<ConfigSource>();
    source->file = base.file;
    const ConfigNode root(source, YAML::Load(base.source.text), "", YAML::Node(YAML::NodeType::Map));
    if (!base.design.sweep.parameters.empty())
        throw root.error("sweep",
                         "calibrate fits one market, and a sweep runs many: remove the sweep section (the "
                         "calibration section names the parameters to fit and their ranges)");
    if (base.design.scenarios.size() > 1)
        throw root.error("scenarios",
                         "calibrate fits one market, and scenarios make several: remove them, and give the "
                         "scenario's values in the config or with --set");
    if (base.design.policies.size() > 1)
        throw root.error("policies",
                         "calibrate fits one market under one policy: list at most one policy, or remove the "
                         "policies section");
}

void calibrate(const ExperimentConfig& base, const std::vector<CalibrationTarget>& targets,
               const CalibrateOptions& options, std::ostream& log) {
    const auto& params = base.calibration.parameters;
    const std::size_t k = params.size();
    const WorkFolder folder(options.output_path + ".partial", options.overwrite);
    const std::string work = folder.path + "/trial.h5";
    std::vector<Trial> trials;
    std::map<std::vector<double>, double> seen;  // the same point is not run twice
    std::vector<double> weight;
    std::string phase = "search";
    const auto values_of = [&](const std::vector<double>& u) {
        std::vector<double> v(k);
        for (std::size_t i = 0; i < k; ++i) v[i] = value_at(params[i].range, u[i]);
        return v;
    };
    const auto q = [&](const std::vector<double>& u) {
        const std::vector<double> v = values_of(u);
        if (const auto it = seen.find(v); it != seen.end()) return it->second;
        Trial t = run_trial(base, targets, v, work, options.jobs);
        t.phase = phase;
        if (weight.empty())
            for (std::size_t i = 0; i < targets.size(); ++i)
                weight.push_back(std::sqrt(targets[i].sd * targets[i].sd + t.se[i] * t.se[i]));
        t.objective = objective(t, targets, weight);
        log << "trial " << trials.size() << " (" << phase << "):";
        for (std::size_t i = 0; i < k; ++i) log << " " << params[i].range.key << "=" << format_number(v[i]);
        log << "  objective " << t.objective << "\n";
        trials.push_back(t);
        seen[v] = t.objective;
        return t.objective;
    };
    std::vector<double> start(k);
    for (std::size_t i = 0; i < k; ++i) start[i] = unit_of(params[i].range, params[i].start);
    NelderMeadSettings settings;
    settings.max_evaluations = base.calibration.max_trials;
    settings.value_tolerance = base.calibration.tolerance;
    settings.size_tolerance = base.calibration.tolerance;
    // The first step points into the range from a start at its upper end.
    settings.step = 0.25;
    const NelderMeadResult search = nelder_mead(
        [&](const std::vector<double>& u) {
            std::vector<double> inside = u;
            for (auto& x : inside) x = std::clamp(x, 0.0, 1.0);
            return q(inside);
        },
        start, settings);
    Fit fit;
    fit.best_unit = search.best;
    for (auto& x : fit.best_unit) x = std::clamp(x, 0.0, 1.0);

    // Curvature by central differences (Hessian of Q), at a centre moved inside
    // so that the stencil stays in the range.
    phase = "curvature";
    const double h = base.calibration.curvature_step;
    std::vector<double> centre = fit.best_unit;
    for (auto& x : centre) x = std::clamp(x, h, 1.0 - h);
    const double q0 = q(centre);
    Eigen::MatrixXd hessian(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
    const auto shifted = [&](std::size_t i, double di, std::size_t j, double dj) {
        std::vector<double> u = centre;
        u[i] += di;
        u[j] += dj;
        return q(u);
    };
    for (std::size_t i = 0; i < k; ++i) {
        const auto ii = static_cast<Eigen::Index>(i);
        hessian(ii, ii) = (shifted(i, h, i, 0) - 2 * q0 + shifted(i, -h, i, 0)) / (h * h);
        for (std::size_t j = 0; j < i; ++j) {
            const auto jj = static_cast<Eigen::Index>(j);
            hessian(ii, jj) = hessian(jj, ii) =
                (shifted(i, h, j, h) - shifted(i, h, j, -h) - shifted(i, -h, j, h) + shifted(i, -h, j, -h)) /
                (4 * h * h);
        }
    }
    const Eigen::LLT<Eigen::MatrixXd> llt(hessian);
    fit.positive_definite = llt.info() == Eigen::Success;
    // Q = -2 log L + const for Gaussian errors, so the information is H / 2.
    fit.covariance_unit = fit.positive_definite ? Eigen::MatrixXd(2.0 * hessian.inverse())
                                                : Eigen::MatrixXd::Constant(hessian.rows(), hessian.cols(), kNaN);
    phase = "best";
    const std::vector<double> best_values = values_of(fit.best_unit);
    Trial best;
    for (const Trial& t : trials)
        if (t.values == best_values) best = t;
    // Written inside the work folder, which this process made, then renamed
    // over FIT.h5 without following a link (SafePaths.hpp).
    const std::string temp = folder.path + "/fit.h5";
    claim_new_file(temp);
    write_fit(temp, base, targets, options, trials, weight, fit, search, best);
    verify_regular(temp);
    rename_no_follow(temp, options.output_path);
}

}  // namespace experiments
