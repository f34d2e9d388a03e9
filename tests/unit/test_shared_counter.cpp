// sim::add_to_counter: atomic in a team of several threads, plain in a team
// of one, and the same counts either way.
#include "sim/parallel/SharedCounter.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <cstdint>
#include <vector>

namespace {

// Every thread of a team of `threads` adds 1 to each of `counters` many
// times, through add_to_counter with the team's own answer to team_shared().
std::vector<std::int32_t> count_with(int threads, std::vector<char>& shared_seen) {
    std::vector<std::int32_t> counters(8, 0);
    shared_seen.assign(static_cast<std::size_t>(threads), 0);
#pragma omp parallel num_threads(threads)
    {
#pragma omp single
        shared_seen.resize(static_cast<std::size_t>(omp_get_num_threads()));  // the team actually given
        const bool shared = sim::team_shared();
        shared_seen[static_cast<std::size_t>(omp_get_thread_num())] = shared;
        for (int k = 0; k < 100000; ++k)
            for (std::int32_t& c : counters) sim::add_to_counter(c, std::int32_t{1}, shared);
    }
    return counters;
}

TEST(SharedCounter, NoTeamOutsideAParallelRegion) {
    EXPECT_FALSE(sim::team_shared());
}

TEST(SharedCounter, ATeamOfOneAddsPlainly) {
    std::vector<char> shared;
    const std::vector<std::int32_t> counts = count_with(1, shared);
    EXPECT_FALSE(shared[0]);
    for (const std::int32_t c : counts) EXPECT_EQ(c, 100000);
}

TEST(SharedCounter, ATeamOfTwoLosesNoAddition) {
    std::vector<char> shared;
    const std::vector<std::int32_t> counts = count_with(2, shared);
    if (shared.size() < 2) GTEST_SKIP() << "the runtime gave no team of two";
    EXPECT_TRUE(shared[0]);
    EXPECT_TRUE(shared[1]);
    // Plain additions from two threads at once would lose some of these.
    for (const std::int32_t c : counts) EXPECT_EQ(c, 200000);
}

}  // namespace
