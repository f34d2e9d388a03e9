// The corpus of bad configs (tests/data/bad-configs, see its README.md): every
// file there has exactly one problem, and line 1 says where the error must
// point. For each, the crmsim binary must exit with status 2, name the file,
// the line and the key, and leave the output exactly as it found it: an
// existing results file untouched, no new one, no OUT.partial/, no
// OUT.assembling. One test case per file, named after it, so a failure says
// which config let a problem through.
#include "tests/support/Crmsim.hpp"
#include "tests/support/TestFolder.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {
using testing_support::contains;
using testing_support::read_file;
using testing_support::Result;

namespace fs = std::filesystem;

const std::string kBinary = CRMSIM_BINARY;
const fs::path kCorpus = fs::path(CRMSIM_TEST_DATA) / "bad-configs";

// What line 1 of a corpus file promises about the error.
struct Expectation {
    std::string file;             // the file the error is in, relative to the corpus (a policy file); empty: the config
    int line = 0;                 // 1-based; 0: the message names no line
    std::string key;              // the dotted key named; empty: a file-level problem with no key
    int plan_status = 2;          // the exit status of `crmsim plan` (0 where plan cannot see the problem)
    std::string command = "run";  // the command that must refuse it: run, or calibrate (a config run takes)
    std::string message;          // a fragment of the error text
};

// Parses `# expect: [file=F] line=N key=K [plan=S] [command=C] message="..."`; the message
// runs to the last quote, so it may contain quotes itself.
bool parse_expectation(const std::string& first_line, Expectation& e) {
    static const std::regex header(
        R"re(# expect: (?:file=(\S+) )?line=(\d+) key=(\S+)(?: plan=(\d+))?(?: command=(run|calibrate))? message="(.*)"\s*)re");
    std::smatch m;
    if (!std::regex_match(first_line, m, header)) return false;
    e.file = m[1].matched ? m[1].str() : "";
    e.line = std::stoi(m[2]);
    e.key = m[3] == "-" ? "" : m[3].str();
    e.plan_status = m[4].matched ? std::stoi(m[4]) : 2;
    e.command = m[5].matched ? m[5].str() : "run";
    e.message = m[6];
    return !e.message.empty();
}

// Every corpus file, sorted so that test names and the alternation below are stable.
std::vector<std::string> corpus_files() {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(kCorpus, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".yaml")
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// `crmsim ARGS...`, stderr captured through `err_file`.
Result crmsim(const std::vector<std::string>& args, const fs::path& err_file) {
    return testing_support::run_program(kBinary, args, err_file);
}

// The parameter: a corpus file and its place in the sorted corpus.
struct CorpusFile {
    std::string name;
    std::size_t index = 0;
};

void PrintTo(const CorpusFile& f, std::ostream* os) {
    *os << f.name;
}

std::vector<CorpusFile> corpus() {
    std::vector<CorpusFile> files;
    for (const auto& name : corpus_files()) files.push_back({name, files.size()});
    return files;
}

// "07-unknown-recovery-key.yaml" -> "07_unknown_recovery_key" (test names take [A-Za-z0-9_]).
std::string identifier(const std::string& file_name) {
    std::string name = fs::path(file_name).stem().string();
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

std::string test_name(const testing::TestParamInfo<CorpusFile>& info) {
    return identifier(info.param.name);
}

// Each case works in a folder of its own (ctest runs cases in parallel), which
// holds the captured stderr and the output file and nothing else.
class BadConfigCorpus : public testing::TestWithParam<CorpusFile> {
protected:
    std::set<std::string> folder_contents() const {
        std::set<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir_)) names.insert(entry.path().filename().string());
        return names;
    }

    testing_support::TestFolder folder_;
    const fs::path dir_ = folder_.dir();
};

// Where and what: "FILE:LINE:" (the path as given on the command line, or a
// policy file's path as the config's folder and its `use:` make it), the key
// in quotes, and the fragment of the message.
void expect_located(const Result& r, const std::string& config, const Expectation& e) {
    const std::string file = e.file.empty() ? config : (fs::path(config).parent_path() / e.file).string();
    const std::string where = file + (e.line > 0 ? ":" + std::to_string(e.line) + ":" : ": ");
    EXPECT_TRUE(contains(r.err, where)) << "missing: " << where << "\n" << r;
    if (e.key.empty())
        EXPECT_FALSE(contains(r.err, "key '")) << "a file-level problem names no key\n" << r;
    else
        EXPECT_TRUE(contains(r.err, "key '" + e.key + "'")) << "missing: key '" << e.key << "'\n" << r;
    EXPECT_TRUE(contains(r.err, e.message)) << "missing: " << e.message << "\n" << r;
}

TEST_P(BadConfigCorpus, IsBadInputAndWritesNothing) {
    const std::string config = (kCorpus / GetParam().name).string();
    std::string first_line;
    std::ifstream in(config, std::ios::binary);
    std::getline(in, first_line);
    Expectation expect;
    ASSERT_TRUE(parse_expectation(first_line, expect))
        << config << ": line 1 must be  # expect: [file=F] line=N key=K [plan=S] [command=C] message=\"...\"  but is: "
        << first_line;

    // Every other file finds its output already there, and gets --overwrite:
    // even allowed to replace it, crmsim must reject the config first.
    const fs::path out = dir_ / "out.h5";
    const bool output_exists = GetParam().index % 2 == 0;
    const std::string old_output = "an earlier results file, which must survive a bad config\n";
    std::vector<std::string> args = {expect.command, config, "-o", out.string()};
    // calibrate's cases are configs that run takes; calibrate refuses them before it reads the targets.
    if (expect.command == "calibrate")
        args.insert(args.end(), {"--targets", (kCorpus / "targets" / "final-customers.yaml").string()});
    if (output_exists) {
        std::ofstream(out, std::ios::binary) << old_output;
        args.push_back("--overwrite");
    }
    const auto old_mtime = output_exists ? fs::last_write_time(out) : fs::file_time_type{};

    const Result r = crmsim(args, dir_ / "stderr.txt");
    EXPECT_EQ(r.status, 2) << r;
    EXPECT_EQ(r.out, "") << r;
    expect_located(r, config, expect);

    std::set<std::string> expected_files = {"stderr.txt"};
    if (output_exists) {
        expected_files.insert("out.h5");
        EXPECT_EQ(read_file(out), old_output);
        EXPECT_EQ(fs::last_write_time(out), old_mtime);
    }
    // Also catches out.h5.partial/ and out.h5.assembling, and an out.h5 where there was none.
    EXPECT_EQ(folder_contents(), expected_files);

    const Result plan = crmsim({"plan", config}, dir_ / "stderr.txt");
    EXPECT_EQ(plan.status, expect.plan_status) << plan;
    if (expect.plan_status == 2) expect_located(plan, config, expect);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadConfigCorpus, testing::ValuesIn(corpus()), test_name);

// The issue asks for at least 40 problems; a corpus that went missing (or a
// wrong CRMSIM_TEST_DATA) would otherwise pass with no cases at all.
TEST(BadConfigCorpusFiles, HoldAtLeastFortyConfigs) {
    const std::vector<std::string> files = corpus_files();
    EXPECT_GE(files.size(), 40u) << "in " << kCorpus;
}

}  // namespace
