#include "experiments/run/SensitivityTable.hpp"

#include "experiments/plan/SensitivityDesign.hpp"
#include "experiments/run/OutputValues.hpp"
#include "experiments/stats/MorrisEffects.hpp"
#include "experiments/stats/ReplicationNoise.hpp"
#include "experiments/stats/SobolIndices.hpp"

#include <cmath>
#include <limits>
#include <string>

namespace experiments {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Strings = std::vector<std::string>;
using Doubles = std::vector<double>;
using Ints = std::vector<std::int64_t>;
using PointReps = std::vector<Doubles>;  // [design point][replication]

double mean_of_finite(const Doubles& v) {
    double sum = 0, n = 0;
    for (const double x : v)
        if (std::isfinite(x)) sum += x, n += 1;
    return n > 0 ? sum / n : kNaN;
}

bool all_finite(const Doubles& v) {
    for (const double x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

// A design's evaluations, unit by unit (a Saltelli base sample or a Morris
// trajectory: `width` consecutive points). A row holds the output at each of
// the unit's points; a unit with a failed run is left out whole.
struct Evaluations {
    std::vector<Doubles> rows;
    std::vector<std::size_t> unit;                   // the unit of each row
    std::vector<std::vector<std::size_t>> clusters;  // the rows of each unit kept
};

Evaluations evaluations(const PointReps& y, std::size_t width, ReplicationUse use) {
    Evaluations e;
    const std::size_t units = y.size() / width, reps = y.empty() ? 0 : y.front().size();
    for (std::size_t u = 0; u < units; ++u) {
        std::vector<std::size_t> cluster;
        const auto add = [&](const Doubles& row) {
            if (!all_finite(row)) return;
            cluster.push_back(e.rows.size());
            e.rows.push_back(row);
            e.unit.push_back(u);
        };
        if (use == ReplicationUse::Average) {
            Doubles row(width);
            for (std::size_t s = 0; s < width; ++s) row[s] = mean_of_finite(y[u * width + s]);
            add(row);
        } else {
            for (std::size_t r = 0; r < reps; ++r) {
                Doubles row(width);
                for (std::size_t s = 0; s < width; ++s) row[s] = y[u * width + s][r];
                add(row);
            }
        }
        if (!cluster.empty()) e.clusters.push_back(std::move(cluster));
    }
    return e;
}

// What every row of one (scenario, policy, output, firm) shares.
struct Subject {
    std::string method, scenario, policy, output, firm_name;
    std::int64_t firm = 0;
};

struct Table {
    Strings method, scenario, policy, output, firm_name, parameter, parameter2, index;
    Ints firm, n;
    Doubles estimate, low, high;

    void add(const Subject& s, const std::string& p, const std::string& p2, const std::string& name,
             const Interval& v) {
        method.push_back(s.method);
        scenario.push_back(s.scenario);
        policy.push_back(s.policy);
        output.push_back(s.output);
        firm.push_back(s.firm);
        firm_name.push_back(s.firm_name);
        parameter.push_back(p);
        parameter2.push_back(p2);
        index.push_back(name);
        estimate.push_back(v.estimate);
        low.push_back(v.low);
        high.push_back(v.high);
        n.push_back(static_cast<std::int64_t>(v.n));
    }
};

Interval no_interval(std::size_t n) {
    return {kNaN, kNaN, kNaN, n};
}

// Fewer than two units give no variance and no bootstrap: the row says so with NaN.
constexpr std::size_t kMinUnits = 2;

void add_saltelli(Table& table, const Subject& who, const SweepSettings& sweep, const PointReps& y,
                  const BootstrapSettings& bootstrap) {
    const SaltelliLayout at = saltelli_layout(sweep);
    const Evaluations e = evaluations(y, at.stride(), sweep.sensitivity.replications);
    const std::size_t k = at.parameters;
    const auto rows = static_cast<Eigen::Index>(e.rows.size());
    SaltelliOutputs o{Eigen::ArrayXd(rows), Eigen::ArrayXd(rows), Eigen::ArrayXXd(rows, static_cast<Eigen::Index>(k)),
                      Eigen::ArrayXXd(rows, at.second_order ? static_cast<Eigen::Index>(k) : 0)};
    for (Eigen::Index r = 0; r < rows; ++r) {
        const Doubles& row = e.rows[static_cast<std::size_t>(r)];
        o.a[r] = row[at.a(0)];
        o.b[r] = row[at.b(0)];
        for (std::size_t i = 0; i < k; ++i) {
            o.ab(r, static_cast<Eigen::Index>(i)) = row[at.ab(0, i)];
            if (at.second_order) o.ba(r, static_cast<Eigen::Index>(i)) = row[at.ba(0, i)];
        }
    }
    const auto& params = sweep.parameters;
    if (e.clusters.size() < kMinUnits) {
        for (const auto& p : params) {
            table.add(who, p.key, "", "S1", no_interval(e.clusters.size()));
            table.add(who, p.key, "", "ST", no_interval(e.clusters.size()));
        }
        return;
    }
    const SobolIntervals s = sobol_indices(o, e.clusters, bootstrap);
    for (std::size_t i = 0; i < k; ++i) {
        table.add(who, params[i].key, "", "S1", s.first[i]);
        table.add(who, params[i].key, "", "ST", s.total[i]);
    }
    for (std::size_t i = 0; i < s.second.size(); ++i)
        for (std::size_t j = i + 1; j < k; ++j) table.add(who, params[i].key, params[j].key, "S2", s.second[i][j]);
}

void add_morris(Table& table, const Subject& who, const SweepSettings& sweep, const MorrisDesign& design,
                const PointReps& y, const BootstrapSettings& bootstrap) {
    const std::size_t k = sweep.parameters.size();
    const Evaluations e = evaluations(y, k + 1, sweep.sensitivity.replications);
    Eigen::ArrayXXd effects(static_cast<Eigen::Index>(e.rows.size()), static_cast<Eigen::Index>(k));
    for (std::size_t r = 0; r < e.rows.size(); ++r)
        for (std::size_t s = 0; s < k; ++s) {
            const MorrisStep& step = design.steps[e.unit[r] * k + s];
            effects(static_cast<Eigen::Index>(r), step.parameter) =
                (e.rows[r][s + 1] - e.rows[r][s]) / (step.direction * design.delta);
        }
    const auto& params = sweep.parameters;
    if (e.clusters.size() < kMinUnits) {
        for (const auto& p : params)
            for (const char* name : {"mu", "mu_star", "sigma"})
                table.add(who, p.key, "", name, no_interval(e.clusters.size()));
        return;
    }
    const MorrisIntervals m = morris_effects(effects, e.clusters, bootstrap);
    for (std::size_t i = 0; i < k; ++i) {
        table.add(who, params[i].key, "", "mu", m.mu[i]);
        table.add(who, params[i].key, "", "mu_star", m.mu_star[i]);
        table.add(who, params[i].key, "", "sigma", m.sigma[i]);
    }
}

void write_table(const sim::h5::Group& root, const Table& t, const ExperimentConfig& base) {
    const sim::h5::Group g = root.create_group("sensitivity");
    g.write_column("method", t.method, "saltelli or morris (config: sweep.method)");
    g.write_column("scenario", t.scenario, "scenario name");
    g.write_column("policy", t.policy, "policy name");
    g.write_column("output", t.output,
                   "the output: a /summary column, COLUMN@TICK or COLUMN@FROM..TO (a time-series column at a tick or "
                   "its mean over ticks FROM..TO)");
    g.write_column("firm", t.firm, "1", "firm index");
    g.write_column("firm_name", t.firm_name, "firm name");
    g.write_column("parameter", t.parameter, "the swept config key; empty for noise_share");
    g.write_column("parameter2", t.parameter2, "the second key of an S2 pair; empty otherwise");
    g.write_column("index", t.index,
                   "S1, ST, S2 (saltelli); mu, mu_star, sigma (morris); noise_share (replications > 1)");
    g.write_column("estimate", t.estimate, "1 or output units",
                   "the estimate; Sobol indices and noise_share are shares of variance, Morris effects are in output "
                   "units per parameter range");
    g.write_column("ci_low", t.low, "as estimate", "percentile bootstrap interval, lower end");
    g.write_column("ci_high", t.high, "as estimate", "percentile bootstrap interval, upper end");
    g.write_column("n", t.n, "1", "base samples (saltelli), trajectories (morris) or design points (noise_share) used");
    const SweepSettings& sweep = base.design.sweep;
    const SensitivitySettings& s = sweep.sensitivity;
    g.set_attribute("bootstrap_resamples", static_cast<std::int64_t>(s.resamples));
    // As text: a seed may use all 64 bits, beyond an int64 attribute.
    g.set_attribute("bootstrap_seed", std::to_string(s.bootstrap_seed));
    g.set_attribute("confidence", s.confidence);
    g.set_attribute("replications_use", s.replications == ReplicationUse::Noise ? "noise" : "average");
    g.set_attribute("common_random_numbers", sweep.common_random_numbers ? "true" : "false");
    if (sweep.method == SweepMethod::Saltelli) {
        g.set_attribute("base_samples", static_cast<std::int64_t>(sweep.points));
        g.set_attribute("sampling", s.sampling == SaltelliSampling::Random ? "random" : "sobol");
        g.set_attribute("estimators", "Jansen 1999 (S1, ST), Saltelli 2002 (S2); design Saltelli et al. 2010");
    } else {
        g.set_attribute("trajectories", static_cast<std::int64_t>(sweep.points));
        g.set_attribute("levels", static_cast<std::int64_t>(s.levels));
        g.set_attribute("estimators", "Morris 1991 (mu, sigma), Campolongo et al. 2007 (mu_star)");
    }
}

}  // namespace

void write_sensitivity(const sim::h5::Group& root, const ExperimentConfig& base, const ExperimentPlan& plan,
                       const std::vector<RunRecord>& records) {
    const auto& d = plan.design;
    const SweepSettings& sweep = d.sweep;
    const SensitivitySettings& settings = sweep.sensitivity;
    const BootstrapSettings bootstrap{settings.resamples, settings.bootstrap_seed, settings.confidence};
    const bool saltelli = sweep.method == SweepMethod::Saltelli;
    const MorrisDesign morris = saltelli ? MorrisDesign{} : morris_design(sweep, plan.seed);
    const std::size_t firms = base.market.firms.size(), points = plan.sweep_points.size();
    const std::uint32_t reps = base.experiment.replications;
    const std::size_t policies = d.policies.size();
    Table table;
    for (const SensitivityOutput& o : settings.outputs) {
        const RunValues values = output_values(root, records, o, firms);
        for (std::size_t s = 0; s < d.scenarios.size(); ++s)
            for (std::size_t q = 0; q < policies; ++q)
                for (std::size_t f = 0; f < firms; ++f) {
                    PointReps y(points, Doubles(reps));
                    for (std::size_t p = 0; p < points; ++p)
                        for (std::uint32_t r = 0; r < reps; ++r)
                            y[p][r] = values[((s * points + p) * reps + r) * policies + q][f];
                    const Subject who{
                        saltelli ? "saltelli" : "morris", d.scenarios[s].name,         d.policies[q].name, o.name,
                        base.market.firms[f].name,        static_cast<std::int64_t>(f)};
                    if (saltelli)
                        add_saltelli(table, who, sweep, y, bootstrap);
                    else
                        add_morris(table, who, sweep, morris, y, bootstrap);
                    if (reps > 1) table.add(who, "", "", "noise_share", noise_share_interval(y, bootstrap));
                }
    }
    write_table(root, table, base);
}

}  // namespace experiments
