// Every path and every vector width give the same bits. A property test:
// mechanism and strategy settings drawn at random from the config schema
// (on top of every config in tests/fuzz/corpus, tests/data/configs and
// configs/examples that loads), each run with the fast loops at every width
// the processor has (scalar, AVX2, AVX-512: sim::allow_avx2_loops and
// allow_avx512_loops, as CRMSIM_SIMD does for a whole process) and with the
// general loops (Market::use_general_loops, as crmsim run --general-loops
// does), comparing every tally, every column of the customer state and
// every trait (the registries, tests/support/SameCustomers.hpp) after every
// tick, bit for bit. Small populations (3,001 people: the last
// group of four and of eight is cut short) and few ticks keep it within a
// minute of CPU for at least 200 settings.
#include "experiments/config/ExperimentConfig.hpp"
#include "experiments/run/BuildNetwork.hpp"
#include "models/market/Market.hpp"
#include "sim/util/Avx2Loops.hpp"

#include "tests/support/LoopVariations.hpp"
#include "tests/support/SameCustomers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using testing_support::first_difference;
using testing_support::same_market_tally;
using testing_support::same_tally;

constexpr std::uint32_t kPeople = 3001;
constexpr std::uint32_t kTicks = 6;
constexpr int kSettings = 200;

// One key of the schema and how to draw a value for it.
struct Draw {
    std::string key;
    std::function<std::string(std::mt19937_64&)> value;
};

std::function<std::string(std::mt19937_64&)> uniform(double lo, double hi) {
    return [=](std::mt19937_64& rng) { return std::to_string(std::uniform_real_distribution<double>(lo, hi)(rng)); };
}
std::function<std::string(std::mt19937_64&)> one_of(std::vector<std::string> values) {
    return [=](std::mt19937_64& rng) { return values[rng() % values.size()]; };
}

const std::vector<Draw>& schema() {
    static const std::vector<Draw> draws = {
        {"mechanisms.switching.drift_hazard", uniform(0.0, 0.3)},
        {"mechanisms.switching.convexity", one_of({"1", "2", "1", "2", "1.5", "0.5", "3"})},  // 1, 2: vector loops
        {"mechanisms.switching.drift_shape", one_of({"power", "logistic"})},
        {"mechanisms.switching.logistic_midpoint", uniform(0.2, 0.9)},
        {"mechanisms.switching.logistic_steepness", uniform(1.0, 30.0)},
        {"mechanisms.switching.variety_seeking", uniform(0.0, 0.02)},
        {"mechanisms.switching.competitor_pull", uniform(0.0, 0.1)},
        {"mechanisms.switching.leave_market_share", uniform(0.0, 0.5)},
        {"mechanisms.switching.stage_factor.client", uniform(0.2, 1.5)},
        {"mechanisms.switching.stage_factor.advocate", uniform(0.2, 1.5)},
        {"mechanisms.satisfaction.model", one_of({"rm1", "disconfirmation"})},
        {"mechanisms.satisfaction.good_service_gain", uniform(0.0, 0.3)},
        {"mechanisms.satisfaction.anchor_weight", uniform(0.0, 1.0)},
        {"mechanisms.satisfaction.disconfirmation_weight", uniform(0.0, 1.0)},
        {"mechanisms.satisfaction.expectation_adaptation", uniform(0.0, 0.5)},
        {"mechanisms.word_of_mouth.enabled", one_of({"true", "false"})},
        {"mechanisms.word_of_mouth.story_effect", uniform(0.0, 0.1)},
        {"mechanisms.word_of_mouth.expectation_effect", uniform(-0.05, 0.05)},
        {"mechanisms.word_of_mouth.dissatisfied_below", one_of({"0", "0.3", "0.6"})},
        {"mechanisms.word_of_mouth.advocate_talk", uniform(0.0, 0.3)},
        {"mechanisms.ladder.enabled", one_of({"true", "false"})},
        {"mechanisms.ladder.promote.client", uniform(0.0, 0.5)},
        {"mechanisms.ladder.demote_below", uniform(0.2, 0.8)},
        {"mechanisms.ladder.advocate_tenure", one_of({"0", "2", "5"})},
        {"mechanisms.tarp.horizon", one_of({"1", "2", "4", "9"})},
        {"mechanisms.tarp.reference_every", one_of({"0", "1", "3"})},
        {"mechanisms.switching.barrier_after_failure", one_of({"0", "1", "0.5"})},
        {"firms.0.loyalty.enabled", one_of({"true", "false"})},
        {"mechanisms.acquisition.enabled", one_of({"true", "false"})},
        {"mechanisms.acquisition.external", uniform(0.0, 0.1)},
        {"mechanisms.acquisition.internal", uniform(0.0, 0.5)},
        {"mechanisms.acquisition.influence", one_of({"mixed", "network"})},
        {"mechanisms.acquisition.story_weight", uniform(0.0, 0.2)},
        {"mechanisms.acquisition.negative_story_weight", one_of({"0", "0.05", "0.5"})},
        {"mechanisms.word_of_mouth.choice_effect", one_of({"0", "0.5", "2"})},
        {"mechanisms.acquisition.lapsed_return", one_of({"true", "false"})},
        {"mechanisms.paradox.enabled", one_of({"true", "false"})},
        {"mechanisms.service_failures.enabled", one_of({"true", "false"})},
        {"mechanisms.purchases.process",
         one_of({"every_tick", "poisson", "poisson", "poisson"})},  // poisson: staged loops
        {"population.initial_prospects", uniform(0.0, 0.5)},
        {"population.initial_satisfaction", uniform(0.3, 1.0)},
        {"firms.0.service.failure_rate", uniform(0.0, 0.4)},
        {"firms.1.service.failure_rate", uniform(0.0, 0.4)},
        {"firms.0.switching_barrier", uniform(0.0, 2.0)},
        {"firms.1.service_quality", uniform(0.3, 1.0)},
        {"output.metrics.promoter_from", uniform(0.6, 0.95)},
    };
    return draws;
}

std::vector<std::string> base_configs() {
    std::vector<std::string> paths;
    for (const char* folder :
         {CRMSIM_SOURCE_DIR "/tests/fuzz/corpus", CRMSIM_TEST_DATA "/configs", CRMSIM_SOURCE_DIR "/configs/examples"})
        for (const auto& entry : fs::directory_iterator(folder))
            if (entry.path().extension() == ".yaml") paths.push_back(entry.path().string());
    std::sort(paths.begin(), paths.end());
    return paths;
}

// The config with `overrides`, or nothing if it does not load (a file of
// bad inputs, or a draw the schema refuses).
std::optional<experiments::ExperimentConfig> load(const std::string& path, std::vector<std::string> overrides) {
    overrides.push_back("population.size=" + std::to_string(kPeople));
    try {
        return experiments::load_experiment_config(path, overrides);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// The loops a run takes: the fast ones at a width, or the general ones.
enum class Path { Scalar, Avx2, Widest, General };

struct Run {
    Path path;
    std::unique_ptr<models::Market> market;
};

void allow(Path path) {
    sim::allow_avx2_loops(path != Path::Scalar);
    sim::allow_avx512_loops(path == Path::Widest);
}

// Empty if every path gave the same bits; else what first differed.
// `staged`: whether the market took the quiet loops (decide and settle in
// stages).
std::string compare_paths(const experiments::ExperimentConfig& config, const sim::Network& network, bool& staged) {
    std::vector<Run> runs;
    for (Path path : {Path::Scalar, Path::Avx2, Path::Widest, Path::General}) {
        runs.push_back({path, std::make_unique<models::Market>(config.market, network, sim::StreamKey{13})});
        if (path == Path::General) runs.back().market->use_general_loops();
    }
    staged = runs.front().market->decides_in_stages();
    for (std::uint32_t tick = 0; tick < kTicks; ++tick) {
        for (Run& r : runs) {
            allow(r.path);
            r.market->step(tick);
        }
        allow(Path::Widest);
        const models::Market& a = *runs.back().market;  // the general loops
        for (std::size_t k = 0; k + 1 < runs.size(); ++k) {
            const models::Market& b = *runs[k].market;
            const std::string where = "path " + std::to_string(k) + ", tick " + std::to_string(tick) + ": ";
            for (std::size_t f = 0; f < a.tally().size(); ++f)
                if (!same_tally(a.tally()[f], b.tally()[f])) return where + "tally of firm " + std::to_string(f);
            if (!same_market_tally(a.market_tally(), b.market_tally())) return where + "market tally";
            const std::string column = first_difference(a.customers(), b.customers());
            if (!column.empty()) return where + column;
        }
    }
    return {};
}

TEST(PathsAgree, EveryPathAndWidthGivesTheSameBitsForRandomSettings) {
    const std::vector<std::string> configs = base_configs();
    ASSERT_GE(configs.size(), 10u);
    std::mt19937_64 rng(2020);  // fixed: a failure names the setting, and reruns it
    int compared = 0, attempts = 0, every_tick = 0, staged = 0;
    while (compared < kSettings && attempts < 20 * kSettings) {
        ++attempts;
        const std::string& path = configs[rng() % configs.size()];
        std::vector<std::string> overrides;
        const std::size_t n = 1 + rng() % 6;
        for (std::size_t d = 0; d < n; ++d) {
            const Draw& draw = schema()[rng() % schema().size()];
            overrides.push_back(draw.key + "=" + draw.value(rng));
        }
        const auto config = load(path, overrides);
        if (!config) continue;
        sim::Network network;
        try {  // an edge list for another population, or a bad one: not a setting to compare
            network = experiments::build_network(config->network, kPeople, sim::CounterStream({7}));
        } catch (const std::exception&) {
            continue;
        }
        std::string setting = path;
        for (const auto& o : overrides) setting += " " + o;
        bool took_staged = false;
        ASSERT_EQ(compare_paths(*config, network, took_staged), "") << setting;
        every_tick += took_staged && config->market.mechanisms.purchases.every_tick();
        staged += took_staged;
        ++compared;
    }
    EXPECT_EQ(compared, kSettings) << "too few settings loaded";
    // Enough of them took the quiet loops for the comparison to mean
    // something. The quiet loops take only markets whose firms do not act on
    // customers (Market::may_decide_in_stages); with every registered
    // strategy drawn that is fewer: at least 1 in 16, and some of them with
    // RM-1's every-tick buyers.
    EXPECT_GE(staged, kSettings / 16);
    EXPECT_GE(every_tick, kSettings / 40);
}

}  // namespace
