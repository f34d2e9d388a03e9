#include "experiments/run/Provenance.hpp"

#include "crmsim/GitVersion.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>

namespace experiments {

std::string utc_now_iso8601() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buffer;
}

Provenance collect_provenance(const std::vector<std::string>& argv, int threads) {
    Provenance p;
    p.crmsim_version = crmsim::kVersion;
    p.git_commit = crmsim::kGitCommit;
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    p.host = host;
    for (const auto& arg : argv) p.command_line += (p.command_line.empty() ? "" : " ") + arg;
    p.started_at = utc_now_iso8601();
    p.threads = threads;
    return p;
}

void write_provenance(const sim::h5::Group& root, const Provenance& p, const ExperimentConfig& c) {
    root.set_attribute("format", "crmsim-results");
    root.set_attribute("format_version", std::int64_t{1});
    root.set_attribute("crmsim_version", p.crmsim_version);
    root.set_attribute("git_commit", p.git_commit);
    root.set_attribute("host", p.host);
    root.set_attribute("command_line", p.command_line);
    root.set_attribute("threads", std::int64_t{p.threads});
    root.set_attribute("started_at", p.started_at);
    root.set_attribute("config", c.resolved_yaml);
    root.set_attribute("config_file", c.file);
    std::string overrides;
    for (const auto& o : c.overrides) overrides += o + "\n";
    root.set_attribute("overrides", overrides);
    root.set_attribute("experiment_name", c.experiment.name);
    root.set_attribute("seed", static_cast<std::int64_t>(c.experiment.seed));
    root.set_attribute("ticks", static_cast<std::int64_t>(c.experiment.ticks));
    root.set_attribute("tick_days", c.experiment.tick_days);
    // The time origin: recorded tick 0 is the first tick after these.
    root.set_attribute("warmup_ticks", static_cast<std::int64_t>(c.experiment.warmup));
    root.set_attribute("replications", static_cast<std::int64_t>(c.experiment.replications));
}

}  // namespace experiments
