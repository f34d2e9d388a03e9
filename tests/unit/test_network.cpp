// Network generators and the edge-list reader: structure (CSR invariants),
// determinism under the counter-based streams, and degree statistics against
// theory at a size where sampling error is small.
#include "sim/network/EdgeListFile.hpp"
#include "sim/network/Generators.hpp"

#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

using sim::CounterStream;
using sim::EdgeListError;
using sim::Network;
using sim::NodeId;
using sim::StreamKey;

const CounterStream kStream{StreamKey{0x5EED'0000'0000'0001ULL}};
const CounterStream kOtherStream{StreamKey{0x5EED'0000'0000'0002ULL}};
const std::string kDataDir = std::string(CRMSIM_TEST_DATA) + "/networks";

struct DegreeStats {
    double mean = 0.0;
    double variance = 0.0;
    std::uint32_t max = 0;
};

DegreeStats degree_stats(const Network& net) {
    DegreeStats s;
    const double n = net.nodes();
    for (NodeId v = 0; v < net.nodes(); ++v) {
        s.mean += net.degree(v);
        s.max = std::max(s.max, net.degree(v));
    }
    s.mean /= n;
    for (NodeId v = 0; v < net.nodes(); ++v) s.variance += std::pow(net.degree(v) - s.mean, 2);
    s.variance /= n - 1;
    return s;
}

// The CSR invariants the rest of the simulator relies on: rows strictly
// increasing (sorted, no duplicates), no self-loops, and symmetry.
void expect_simple_undirected(const Network& net) {
    for (NodeId v = 0; v < net.nodes(); ++v) {
        const auto row = net.neighbours(v);
        for (std::size_t i = 0; i < row.size(); ++i) {
            ASSERT_NE(row[i], v) << "self-loop at " << v;
            ASSERT_LT(row[i], net.nodes());
            if (i > 0) {
                ASSERT_LT(row[i - 1], row[i]) << "row " << v << " not strictly increasing";
            }
            const auto back = net.neighbours(row[i]);
            ASSERT_TRUE(std::binary_search(back.begin(), back.end(), v)) << v << " -> " << row[i] << " not mirrored";
        }
    }
}

bool identical(const Network& a, const Network& b) {
    if (a.nodes() != b.nodes() || a.undirected_edges() != b.undirected_edges()) return false;
    for (NodeId v = 0; v < a.nodes(); ++v)
        if (!std::ranges::equal(a.neighbours(v), b.neighbours(v))) return false;
    return true;
}

using Generator = std::function<Network(NodeId, const CounterStream&)>;

std::vector<std::pair<std::string, Generator>> all_generators() {
    return {
        {"watts_strogatz",
         [](NodeId n, const CounterStream& s) {
             return sim::watts_strogatz(n, {10, 0.2}, s);
         }},
        {"erdos_renyi", [](NodeId n, const CounterStream& s) { return sim::erdos_renyi(n, {8.0}, s); }},
        {"scale_free",
         [](NodeId n, const CounterStream& s) {
             return sim::scale_free(n, {0.5, 6.0}, s);
         }},
    };
}

// ---- generators -------------------------------------------------------------

TEST(NetworkGenerators, NodeCountsMatchRequest) {
    for (const auto& [name, generate] : all_generators())
        for (NodeId n : {50u, 1001u}) EXPECT_EQ(generate(n, kStream).nodes(), n) << name;
}

TEST(NetworkGenerators, NoSelfLoopsOrDuplicatesAndSymmetric) {
    for (const auto& [name, generate] : all_generators()) {
        SCOPED_TRACE(name);
        expect_simple_undirected(generate(20000, kStream));
    }
}

TEST(NetworkGenerators, SameSeedSameNetworkDifferentSeedDiffers) {
    for (const auto& [name, generate] : all_generators()) {
        SCOPED_TRACE(name);
        const Network a = generate(5000, kStream);
        EXPECT_TRUE(identical(a, generate(5000, kStream)));
        EXPECT_FALSE(identical(a, generate(5000, kOtherStream)));
    }
}

TEST(NetworkGenerators, RejectInvalidParameters) {
    EXPECT_THROW(sim::watts_strogatz(100, {3, 0.1}, kStream), std::invalid_argument);   // k odd
    EXPECT_THROW(sim::watts_strogatz(100, {0, 0.1}, kStream), std::invalid_argument);   // k zero
    EXPECT_THROW(sim::watts_strogatz(10, {10, 0.1}, kStream), std::invalid_argument);   // k >= nodes
    EXPECT_THROW(sim::watts_strogatz(11, {10, 0.1}, kStream), std::invalid_argument);   // nowhere to rewire
    EXPECT_THROW(sim::watts_strogatz(100, {4, -0.1}, kStream), std::invalid_argument);  // beta < 0
    EXPECT_THROW(sim::watts_strogatz(100, {4, 1.5}, kStream), std::invalid_argument);   // beta > 1
    EXPECT_THROW(sim::erdos_renyi(1, {0.0}, kStream), std::invalid_argument);           // too few nodes
    EXPECT_THROW(sim::erdos_renyi(100, {-1.0}, kStream), std::invalid_argument);        // negative mean
    EXPECT_THROW(sim::erdos_renyi(100, {99.0}, kStream), std::invalid_argument);        // p = 1
    EXPECT_THROW(sim::scale_free(1, {0.5, 1.0}, kStream), std::invalid_argument);       // too few nodes
    EXPECT_THROW(sim::scale_free(100, {0.0, 4.0}, kStream), std::invalid_argument);     // alpha = 0
    EXPECT_THROW(sim::scale_free(100, {1.5, 4.0}, kStream), std::invalid_argument);     // alpha > 1
    EXPECT_THROW(sim::scale_free(100, {0.5, 0.5}, kStream), std::invalid_argument);     // below one stub
    EXPECT_THROW(sim::scale_free(100, {0.5, 99.0}, kStream), std::invalid_argument);    // mean >= nodes - 1
    EXPECT_THROW(sim::scale_free(100, {0.5, 98.5}, kStream), std::invalid_argument);    // above all-capped PLOD
    EXPECT_NO_THROW(sim::scale_free(100, {0.5, 97.0}, kStream));                        // near-complete graph
    EXPECT_NO_THROW(sim::watts_strogatz(11, {10, 0.0}, kStream));                       // complete graph
}

TEST(WattsStrogatz, ZeroRewiringIsTheRingLattice) {
    const NodeId n = 1000;
    const std::uint32_t k = 6;
    const Network net = sim::watts_strogatz(n, {k, 0.0}, kStream);
    for (NodeId v = 0; v < n; ++v) {
        ASSERT_EQ(net.degree(v), k) << "node " << v;
        std::vector<NodeId> ring;
        for (NodeId d = 1; d <= k / 2; ++d) {
            ring.push_back((v + d) % n);
            ring.push_back((v + n - d) % n);
        }
        std::ranges::sort(ring);
        ASSERT_TRUE(std::ranges::equal(net.neighbours(v), ring)) << "node " << v;
    }
}

TEST(WattsStrogatz, RewiredDegreeMomentsMatchTheory) {
    const NodeId n = 100000;
    const std::uint32_t k = 10;
    const double beta = 0.1;
    const DegreeStats s = degree_stats(sim::watts_strogatz(n, {k, beta}, kStream));

    // Rewiring moves edge ends but keeps the edge count; only the rare merge of
    // two rewired edges onto the same pair (~0.25 expected here) lowers it.
    EXPECT_LE(s.mean, k);
    EXPECT_GT(s.mean, k - 1e-3);

    // Each node keeps its k/2 own edges, keeps each of the k/2 edges from
    // behind with probability 1 - beta, and receives ~Poisson(beta k/2)
    // rewired ends: variance (k/2) beta (1 - beta) + (k/2) beta. The sample
    // variance's standard error is ~0.5% here, so 5% leaves room for the
    // O(k/n) terms the formula ignores.
    const double theory = 0.5 * k * beta * (2.0 - beta);
    EXPECT_NEAR(s.variance, theory, 0.05 * theory);
}

TEST(ErdosRenyi, MeanDegreeWithinSamplingError) {
    const NodeId n = 100000;
    const double target = 10.0;
    const DegreeStats s = degree_stats(sim::erdos_renyi(n, {target}, kStream));

    // The edge count is Binomial(M, p) with M = n(n-1)/2 and p = target/(n-1);
    // mean degree = 2 E / n, so its sd is 2 sqrt(M p (1-p)) / n. A 5 sigma band
    // makes a false failure practically impossible while still catching an
    // off-by-one in p or a lost edge per node.
    const double pairs = 0.5 * n * (n - 1.0);
    const double p = target / (n - 1.0);
    const double sigma = 2.0 * std::sqrt(pairs * p * (1.0 - p)) / n;
    EXPECT_NEAR(s.mean, target, 5.0 * sigma);
    // Degrees are Binomial(n-1, p): the variance is close to the mean.
    EXPECT_NEAR(s.variance, target * (1.0 - p), 0.05 * target);
}

TEST(ErdosRenyi, ZeroMeanDegreeIsEmpty) {
    const Network net = sim::erdos_renyi(100, {0.0}, kStream);
    EXPECT_EQ(net.nodes(), 100u);
    EXPECT_EQ(net.undirected_edges(), 0u);
}

TEST(ScaleFree, MeanDegreeNearTargetWithHeavyTail) {
    const NodeId n = 100000;
    const double target = 10.0;
    const DegreeStats s = degree_stats(sim::scale_free(n, {0.5, target}, kStream));

    // beta is solved for the stub mean; merging the hubs' duplicate edges and
    // Boost dropping the last unpairable stubs cost a little.
    EXPECT_NEAR(s.mean, target, 0.03 * target);
    EXPECT_LE(s.mean, target * 1.005);
    // A d^-3 tail: hubs of hundreds of contacts, which neither Erdős–Rényi nor
    // Watts–Strogatz produce at this mean.
    EXPECT_GT(s.max, 10.0 * target);
    EXPECT_GT(s.variance, 5.0 * s.mean);
}

// Only alpha <= 0.5: towards alpha = 1 Boost's node-uniform stub pairing
// merges a large share of the hubs' stubs (see Generators.hpp).
TEST(ScaleFree, MeanDegreeTracksTargetAcrossParameters) {
    for (double alpha : {0.3, 0.5})
        for (double target : {4.0, 20.0}) {
            const DegreeStats s = degree_stats(sim::scale_free(20000, {alpha, target}, kStream));
            EXPECT_NEAR(s.mean, target, 0.05 * target) << "alpha " << alpha << " target " << target;
        }
}

// ---- edge-list files --------------------------------------------------------

class EdgeListFile : public ::testing::Test {
protected:
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove(path_, ec);
    }

    const std::string& write(const std::string& text) {
        const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
        path_ = (std::filesystem::temp_directory_path() /
                 ("crmsim_" + std::string(test->name()) + "_" + std::to_string(::getpid()) + ".edges"))
                    .string();
        std::ofstream(path_) << text;
        return path_;
    }

    // Runs the reader expecting a failure on `line`; returns the message.
    std::string expect_error(const std::string& path, NodeId nodes, std::size_t line) {
        try {
            sim::read_edge_list(path, nodes);
        } catch (const EdgeListError& e) {
            EXPECT_EQ(e.line(), line);
            EXPECT_EQ(e.path(), path);
            EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
            return e.what();
        }
        ADD_FAILURE() << "no EdgeListError from " << path;
        return {};
    }

    std::string path_;
};

std::vector<NodeId> row(const Network& net, NodeId v) {
    return {net.neighbours(v).begin(), net.neighbours(v).end()};
}

TEST_F(EdgeListFile, LoadsCommentsCommasAndBlankLines) {
    const auto& path = write("# header\n\n0 1\n  1,2  # trailing\n2 ,0\r\n3\t1\n\n# end\n");
    const Network net = sim::read_edge_list(path, 4);
    EXPECT_EQ(net.nodes(), 4u);
    EXPECT_EQ(net.undirected_edges(), 4u);
    EXPECT_EQ(row(net, 1), (std::vector<NodeId>{0, 2, 3}));
    EXPECT_EQ(row(net, 3), (std::vector<NodeId>{1}));
}

TEST_F(EdgeListFile, LoadsExampleFileMergingDuplicatesAndSelfLoops) {
    const Network net = sim::read_edge_list(kDataDir + "/triangle_and_tail.edges", 6);
    expect_simple_undirected(net);
    EXPECT_EQ(net.undirected_edges(), 5u);
    EXPECT_EQ(row(net, 0), (std::vector<NodeId>{1, 2}));
    EXPECT_EQ(row(net, 2), (std::vector<NodeId>{0, 1, 3}));
    EXPECT_EQ(row(net, 4), (std::vector<NodeId>{3}));
    EXPECT_EQ(net.degree(5), 0u);
}

TEST_F(EdgeListFile, MissingFileIsLineZero) {
    const std::string path = kDataDir + "/no_such_file.edges";
    EXPECT_NE(expect_error(path, 10, 0).find("not found"), std::string::npos);
}

TEST_F(EdgeListFile, NonNumericLineQuotesWhatWasFound) {
    const auto& path = write("0 1\n3 x\n");
    EXPECT_NE(expect_error(path, 10, 2).find("expected two node ids, found \"3 x\""), std::string::npos);
}

TEST_F(EdgeListFile, SingleIdIsAnError) {
    const auto& path = write("# c\n0 1\n\n4\n");
    EXPECT_NE(expect_error(path, 10, 4).find("found \"4\""), std::string::npos);
}

TEST_F(EdgeListFile, ExtraFieldIsAnError) {
    const auto& path = write("0 1 2\n");
    EXPECT_NE(expect_error(path, 10, 1).find("3 fields"), std::string::npos);
}

TEST_F(EdgeListFile, IdOutOfRangeNamesTheRange) {
    const auto& path = write("0 1\n1 2\n2 10\n");
    const std::string what = expect_error(path, 10, 3);
    EXPECT_NE(what.find("node id 10"), std::string::npos) << what;
    EXPECT_NE(what.find("0..9"), std::string::npos) << what;
}

TEST_F(EdgeListFile, HugeIdIsOutOfRangeNotWrapped) {
    const auto& path = write("0 99999999999999999999999\n");
    EXPECT_NE(expect_error(path, 10, 1).find("out of range"), std::string::npos);
}

TEST_F(EdgeListFile, NegativeIdIsAnError) {
    const auto& path = write("0 1\n-3 2\n");
    EXPECT_NE(expect_error(path, 10, 2).find("negative node id -3"), std::string::npos);
}

TEST_F(EdgeListFile, ExampleBadFileFailsOnLine3) {
    expect_error(kDataDir + "/bad_line3.edges", 10, 3);
}

}  // namespace
