// Paths crmsim writes are never followed through a link (SafePaths.hpp), and
// the dotted keys a sweep names have one spelling (Overrides.hpp).
#include "experiments/config/Overrides.hpp"
#include "experiments/run/SafePaths.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace {
namespace fs = std::filesystem;
using namespace experiments;

std::string text_of(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(SafePaths, ClaimingANameHeldByALinkRemovesTheLinkNotItsTarget) {
    testing_support::TestFolder folder;
    const std::string target = folder.path("target"), link = folder.path("run.tmp");
    std::ofstream(target) << "precious";
    ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
    claim_new_file(link);
    EXPECT_EQ(entry_kind(link), EntryKind::Regular);
    EXPECT_EQ(fs::file_size(link), 0u);
    EXPECT_EQ(text_of(target), "precious");
}

TEST(SafePaths, ARenameNeverReplacesALinkOrAFolder) {
    testing_support::TestFolder folder;
    const std::string from = folder.path("new.h5"), target = folder.path("target");
    std::ofstream(from) << "results";
    std::ofstream(target) << "precious";
    ASSERT_EQ(symlink(target.c_str(), folder.path("out.h5").c_str()), 0);
    EXPECT_THROW(rename_no_follow(from, folder.path("out.h5")), std::runtime_error);
    EXPECT_EQ(entry_kind(folder.path("out.h5")), EntryKind::Link);
    fs::create_directory(folder.path("dir.h5"));
    EXPECT_THROW(rename_no_follow(from, folder.path("dir.h5")), std::runtime_error);
    rename_no_follow(from, folder.path("plain.h5"));  // a new name, or a regular file, is fine
    EXPECT_EQ(text_of(folder.path("plain.h5")), "results");
    EXPECT_EQ(text_of(target), "precious");
}

TEST(SafePaths, VerifyRegularRefusesALink) {
    testing_support::TestFolder folder;
    std::ofstream(folder.path("file")) << "x";
    ASSERT_EQ(symlink(folder.path("file").c_str(), folder.path("link").c_str()), 0);
    EXPECT_NO_THROW(verify_regular(folder.path("file")));
    EXPECT_THROW(verify_regular(folder.path("link")), std::runtime_error);
}

TEST(ConfigPaths, ListIndicesHaveOneSpelling) {
    EXPECT_EQ(canonical_path("firms.00.failure_rate"), "firms.0.failure_rate");
    EXPECT_EQ(canonical_path("firms.010.recovery.quick"), "firms.10.recovery.quick");
    EXPECT_EQ(canonical_path("firms.0.x"), "firms.0.x");
    EXPECT_EQ(canonical_path("population.size"), "population.size");
}

TEST(ConfigPaths, KeysThePlanFixesAreKnown) {
    for (const char* key : {"experiment.replications", "experiment.seed", "experiment.common_random_numbers",
                            "experiment.name", "experiment"})
        EXPECT_TRUE(fixed_by_the_plan(key)) << key;
    for (const char* key : {"experiment.ticks", "experiment.tick_days", "population.size", "experiment.seeds"})
        EXPECT_FALSE(fixed_by_the_plan(key)) << key;
}

}  // namespace
