#include "experiments/run/AssembleResults.hpp"

#include "experiments/run/SensitivityTable.hpp"
#include "experiments/run/StoredExperiment.hpp"
#include "experiments/run/SummaryMetrics.hpp"

#include "experiments/stats/PairedComparison.hpp"
#include "sim/util/MemoryUsage.hpp"

#include <cmath>
#include <functional>
#include <limits>

namespace experiments {
namespace {

using Ints = std::vector<std::int64_t>;
using Doubles = std::vector<double>;
using Strings = std::vector<std::string>;

void write_plan(const sim::h5::Group& root, const ExperimentPlan& plan, const std::vector<RunRecord>& records) {
    const sim::h5::Group g = root.create_group("plan");
    const auto& d = plan.design;
    Ints id, scenario_index, point, replication, policy_index, edges;
    std::vector<std::uint64_t> stream, network_key;
    Strings scenario, policy, status, error;
    Doubles network_s, simulation_s;
    for (const auto& r : records) {
        const RunSpec& s = r.spec;
        id.push_back(s.run_id);
        scenario.push_back(d.scenarios[s.scenario].name);
        point.push_back(s.sweep_point);
        replication.push_back(s.replication);
        policy.push_back(d.policies[s.policy].name);
        stream.push_back(s.stream_key.value);
        network_key.push_back(s.network_key.value);
        status.push_back(r.status);
        error.push_back(r.error);
        edges.push_back(static_cast<std::int64_t>(r.network_edges));
        network_s.push_back(r.network_seconds);
        simulation_s.push_back(r.simulation_seconds);
    }
    g.write_column("run_id", id, "1", "run number; its data is /runs/<run_id>");
    g.write_column("scenario", scenario, "scenario name (config: scenarios)");
    g.write_column("sweep_point", point, "1", "sweep point index; its values are the sweep columns");
    g.write_column("replication", replication, "1", "replication index, 0-based");
    g.write_column("policy", policy, "policy name (config: policies)");
    for (std::size_t k = 0; k < d.sweep.parameters.size(); ++k) {
        Doubles values;
        for (const auto& r : records) values.push_back(plan.sweep_points[r.spec.sweep_point][k]);
        g.write_column(d.sweep.parameters[k].key, values, "config units", "swept value of this config key");
    }
    g.write_column("stream_key", stream, "1", "the run's random stream key (from seed and coordinates)");
    g.write_column("network_key", network_key, "1", "the random stream key of the run's network");
    g.write_column("status", status, "complete or failed");
    g.write_column("error", error, "why the run failed; empty when it did not");
    g.write_column("network_edges", edges, "edges", "undirected edges of the run's social network");
    g.write_column("network_seconds", network_s, "s", "wall time to build the network");
    g.write_column("simulation_seconds", simulation_s, "s", "wall time to simulate and record the ticks");
}

struct Metric {
    const char* name;
    const char* units;
    const char* description;
    std::function<double(const FirmOutcome&)> value;
};

const std::vector<Metric>& metrics() {
    static const std::vector<Metric> all = {
        {"initial_customers", "customers", "customers at the start of the run",
         [](const FirmOutcome& o) { return double(o.initial_customers); }},
        {"final_customers", "customers", "customers after the last tick",
         [](const FirmOutcome& o) { return double(o.final_customers); }},
        {"switched_out", "customers", "customers lost to competitors, summed over ticks",
         [](const FirmOutcome& o) { return double(o.switched_out); }},
        {"failures", "customers", "service failures, summed over ticks",
         [](const FirmOutcome& o) { return double(o.failures); }},
        {"complaints", "customers", "complaints, summed over ticks",
         [](const FirmOutcome& o) { return double(o.complaints); }},
        {"revenue", "currency units", "revenue summed over ticks", [](const FirmOutcome& o) { return o.revenue; }},
        {"recovery_cost", "currency units", "recovery cost summed over ticks",
         [](const FirmOutcome& o) { return o.recovery_cost; }},
        {"profit", "currency units", "profit summed over ticks", [](const FirmOutcome& o) { return o.profit; }},
        {"final_mean_satisfaction", "1", "mean satisfaction after the last tick",
         [](const FirmOutcome& o) { return o.final_mean_satisfaction; }},
        {"negative_stories", "stories", "negative stories told by the firm's customers, summed over ticks",
         [](const FirmOutcome& o) { return double(o.negative_stories); }},
        {"positive_stories", "stories", "positive stories told by the firm's customers, summed over ticks",
         [](const FirmOutcome& o) { return double(o.positive_stories); }},
        {"acquired", "customers", "prospects won (marketing and word of mouth), summed over ticks",
         [](const FirmOutcome& o) { return double(o.acquired); }},
        {"terminated", "customers", "relationships the firm ended, summed over ticks",
         [](const FirmOutcome& o) { return double(o.terminated); }},
        {"won_back", "customers", "lapsed former customers won back, summed over ticks",
         [](const FirmOutcome& o) { return double(o.won_back); }},
        {"final_customer_equity", "currency units",
         "customer equity after the last tick (expected discounted profit of its customers)",
         [](const FirmOutcome& o) { return o.final_customer_equity; }},
    };
    return all;
}

bool is_count(const Metric& m) {
    const std::string units = m.units;
    return units == "customers" || units == "stories";
}

void write_summary(const sim::h5::Group& root, const ExperimentConfig& base, const std::vector<RunRecord>& records) {
    const sim::h5::Group g = root.create_group("summary");
    Ints run, firm;
    Strings name;
    for (const auto& r : records)
        for (std::size_t f = 0; f < base.market.firms.size(); ++f) {
            run.push_back(r.spec.run_id);
            firm.push_back(static_cast<std::int64_t>(f));
            name.push_back(base.market.firms[f].name);
        }
    g.write_column("run_id", run, "1", "run number (see /plan)");
    g.write_column("firm", firm, "1", "firm index into the config's firms list");
    g.write_column("firm_name", name, "firm name from the config");
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    for (const Metric& m : metrics()) {
        Doubles values;
        Ints counts;
        for (const auto& r : records)
            for (std::size_t f = 0; f < base.market.firms.size(); ++f) {
                const bool ok = r.status == "complete";
                values.push_back(ok ? m.value(r.firms[f]) : kNaN);
                counts.push_back(ok ? static_cast<std::int64_t>(m.value(r.firms[f])) : -1);
            }
        if (is_count(m))
            g.write_column(m.name, counts, m.units, std::string(m.description) + " (-1: run failed)");
        else
            g.write_column(m.name, values, m.units, std::string(m.description) + " (NaN: run failed)");
    }
}

// Each policy against the baseline, per scenario, sweep point, firm and
// metric, paired by replication.
void write_comparisons(const sim::h5::Group& root, const ExperimentConfig& base, const ExperimentPlan& plan,
                       const std::vector<RunRecord>& records) {
    const auto& d = plan.design;
    const std::uint32_t reps = base.experiment.replications;
    const std::size_t policies = d.policies.size(), points = plan.sweep_points.size();
    auto record_of = [&](std::size_t s, std::size_t p, std::uint32_t r, std::size_t q) -> const RunRecord& {
        return records[((s * points + p) * reps + r) * policies + q];
    };
    Ints point, firm, n;
    Strings scenario, policy, baseline, firm_name, metric;
    Doubles base_mean, policy_mean, diff, sd, low, high;
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t s = 0; s < d.scenarios.size(); ++s)
        for (std::size_t p = 0; p < points; ++p)
            for (std::size_t q = 0; q < policies; ++q) {
                if (q == d.baseline) continue;
                for (std::size_t f = 0; f < base.market.firms.size(); ++f)
                    for (const Metric& m : metrics()) {
                        Doubles with_policy, with_baseline;
                        for (std::uint32_t r = 0; r < reps; ++r) {
                            const RunRecord& a = record_of(s, p, r, q);
                            const RunRecord& b = record_of(s, p, r, d.baseline);
                            with_policy.push_back(a.status == "complete" ? m.value(a.firms[f]) : kNaN);
                            with_baseline.push_back(b.status == "complete" ? m.value(b.firms[f]) : kNaN);
                        }
                        const PairedDifference c = compare_paired(with_policy, with_baseline);
                        scenario.push_back(d.scenarios[s].name);
                        point.push_back(static_cast<std::int64_t>(p));
                        policy.push_back(d.policies[q].name);
                        baseline.push_back(d.policies[d.baseline].name);
                        firm.push_back(static_cast<std::int64_t>(f));
                        firm_name.push_back(base.market.firms[f].name);
                        metric.push_back(m.name);
                        n.push_back(static_cast<std::int64_t>(c.n));
                        base_mean.push_back(c.baseline_mean);
                        policy_mean.push_back(c.policy_mean);
                        diff.push_back(c.mean_difference);
                        sd.push_back(c.sd_difference);
                        low.push_back(c.ci_low);
                        high.push_back(c.ci_high);
                    }
            }
    const sim::h5::Group g = root.create_group("comparisons");
    g.write_column("scenario", scenario, "scenario name");
    g.write_column("sweep_point", point, "1", "sweep point index (see /plan)");
    g.write_column("policy", policy, "the policy compared");
    g.write_column("baseline", baseline, "the baseline policy it is compared with");
    g.write_column("firm", firm, "1", "firm index");
    g.write_column("firm_name", firm_name, "firm name");
    g.write_column("metric", metric, "the /summary column compared");
    g.write_column("n", n, "replications", "replications where both runs completed");
    g.write_column("baseline_mean", base_mean, "metric units", "mean of the metric under the baseline");
    g.write_column("policy_mean", policy_mean, "metric units", "mean of the metric under the policy");
    g.write_column("mean_difference", diff, "metric units", "mean paired difference, policy - baseline");
    g.write_column("sd_difference", sd, "metric units", "standard deviation of the paired differences");
    g.write_column("ci_low", low, "metric units", "95 % confidence interval of the mean difference, lower end");
    g.write_column("ci_high", high, "metric units", "95 % confidence interval of the mean difference, upper end");
}

}  // namespace

std::vector<std::string> summary_metric_names() {
    std::vector<std::string> names;
    for (const Metric& m : metrics()) names.emplace_back(m.name);
    return names;
}

std::vector<RunRecord> assemble_results(const std::string& path, const ExperimentConfig& base,
                                        const ExperimentPlan& plan, const Provenance& provenance,
                                        const PartialResults& partial) {
    sim::h5::File file(path, sim::h5::Mode::CreateTruncate);
    const sim::h5::Group root = file.root();
    write_provenance(root, provenance, base);
    // Which runs share draws, for readers that pair runs across scenarios.
    root.set_attribute("common_random_numbers", random_number_sharing(plan));
    write_inputs(root, *base.inputs);
    const sim::h5::Group runs = root.create_group("runs");
    std::vector<RunRecord> records;
    for (const RunSpec& spec : plan.runs) {
        const sim::h5::File run_file(partial.run_file(spec.run_id), sim::h5::Mode::ReadOnly);
        const sim::h5::Group run = run_file.root();
        records.push_back(read_run_record(run, base.market.firms.size()));
        // The datasets are copied as they are; the attributes are written
        // anew, because HDF5 1.10's H5Ocopy crashes on a group whose many
        // string attributes are kept in dense storage.
        const sim::h5::Group copy = runs.create_group(std::to_string(spec.run_id));
        for (const char* group : {"timeseries", "snapshots", "tarp", "transactions"})
            if (run.has(group)) run.open_group(group).copy_to(copy, group);
        write_run_attributes(copy, records.back());
        copy.set_attribute("config", run.string_attribute("config"));
    }
    write_plan(root, plan, records);
    write_summary(root, base, records);
    write_comparisons(root, base, plan, records);
    if (is_sensitivity_design(plan.design.sweep.method)) write_sensitivity(root, base, plan, records);
    bool all_complete = true;
    for (const auto& r : records) all_complete = all_complete && r.status == "complete";
    root.set_attribute("finished_at", utc_now_iso8601());
    root.set_attribute("status", all_complete ? "complete" : "failed runs");
    root.set_attribute("peak_resident_bytes", static_cast<std::int64_t>(sim::peak_resident_bytes()));
    file.flush();
    return records;
}

}  // namespace experiments
