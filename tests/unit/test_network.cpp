// Network generators and the edge-list reader: structure (CSR invariants),
// determinism under the counter-based streams, and degree statistics against
// theory at a size where sampling error is small.
#include "sim/network/EdgeListFile.hpp"
#include "sim/network/Generators.hpp"
#include "sim/random/BlockEngine.hpp"

#include <gtest/gtest.h>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/erdos_renyi_generator.hpp>
#include <boost/graph/plod_generator.hpp>
#include <boost/graph/small_world_generator.hpp>

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
using sim::Edge;
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

std::vector<NodeId> row(const Network& net, NodeId v) {
    return {net.neighbours(v).begin(), net.neighbours(v).end()};
}

// ---- streamed CSR build -----------------------------------------------------

// FNV-1a over the node count and every row (degree, then neighbours), which
// fixes both CSR arrays.
std::uint64_t digest(const Network& net) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    const auto mix = [&h](std::uint64_t x) { h = (h ^ x) * 0x100000001b3ULL; };
    mix(net.nodes());
    for (NodeId v = 0; v < net.nodes(); ++v) {
        mix(net.degree(v));
        for (NodeId u : net.neighbours(v)) mix(u);
    }
    return h;
}

// Digests of all_generators() as built from a collected edge list, before the
// build was streamed. Results downstream are pinned bit for bit, so the
// streamed build must reproduce these exactly; a deliberate change to a
// generator has to update them (and the regression results) together.
TEST(NetworkGenerators, StreamedBuildMatchesThePinnedNetworks) {
    struct Pinned {
        NodeId nodes;
        bool other_stream;
        std::uint64_t digests[3];  // in all_generators() order
    };
    const Pinned pinned[] = {
        {50, false, {0xc8e9fa1e2ab3d379ULL, 0xa4fb14d5fbd68e66ULL, 0x7cf67a0d1f1a3b7dULL}},
        {50, true, {0x5b70e365cb7637a8ULL, 0x2375515f28c42f2cULL, 0xac62c90e1cedf5faULL}},
        {1001, false, {0x6df8217a48f5570bULL, 0x9a0789c8a0387a17ULL, 0x23650c9b584a1453ULL}},
        {1001, true, {0x02a8e859ebcb3ec2ULL, 0xaf501d3cc1f48653ULL, 0x8abe9353fdbb1a01ULL}},
        {20000, false, {0xe86f6db2ef30b3f9ULL, 0xb8009d294a56663eULL, 0x5dec00784826184cULL}},
        {20000, true, {0x48ffd3b587448121ULL, 0x849d01903db34ef4ULL, 0xb68eab079fb0817bULL}},
    };
    const auto generators = all_generators();
    for (const Pinned& p : pinned)
        for (std::size_t g = 0; g < generators.size(); ++g)
            EXPECT_EQ(digest(generators[g].second(p.nodes, p.other_stream ? kOtherStream : kStream)), p.digests[g])
                << generators[g].first << " nodes " << p.nodes << (p.other_stream ? " other stream" : "");
}

// Same rows, hence same offsets, and the same allocation.
void expect_same_csr(const Network& streamed, const Network& listed) {
    ASSERT_EQ(streamed.nodes(), listed.nodes());
    EXPECT_EQ(streamed.undirected_edges(), listed.undirected_edges());
    EXPECT_EQ(streamed.bytes(), listed.bytes());
    for (NodeId v = 0; v < listed.nodes(); ++v)
        ASSERT_TRUE(std::ranges::equal(streamed.neighbours(v), listed.neighbours(v))) << "row " << v;
}

// A replayable stream over a fixed list, counting how often it is walked.
struct ListStream {
    const std::vector<Edge>& edges;
    int* walks;
    void operator()(auto&& sink) const {
        ++*walks;
        for (const auto& [a, b] : edges) sink(a, b);
    }
};

void expect_streamed_equals_listed(NodeId nodes, const std::vector<Edge>& edges) {
    int walks = 0;
    const Network streamed = Network::from_edge_stream(nodes, ListStream{edges, &walks});
    EXPECT_EQ(walks, 2);
    expect_same_csr(streamed, Network::from_edges(nodes, std::vector<Edge>(edges)));
}

// Streams a Boost generator the way Generators.cpp does (a fresh engine per
// walk) and checks the build against from_edges on the collected edges.
template <class Iterator, class... Args>
void expect_generator_streams_like_its_list(NodeId nodes, const CounterStream& stream, const Args&... args) {
    const auto emit = [&](auto&& sink) {
        sim::BlockEngine engine(stream, /*purpose*/ 7, /*agent*/ 0);
        for (Iterator e(engine, args...), last; e != last; ++e)
            sink(static_cast<NodeId>(e->first), static_cast<NodeId>(e->second));
    };
    std::vector<Edge> edges;
    emit([&edges](NodeId a, NodeId b) { edges.emplace_back(a, b); });
    expect_same_csr(Network::from_edge_stream(nodes, emit), Network::from_edges(nodes, std::move(edges)));
}

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

// Sizes from one partial batch of edges to many, and exactly one full batch
// (4096 nodes, k = 2: 4096 edges) so the final flush is empty.
TEST(StreamedBuild, MatchesEdgeListForEachGenerator) {
    using SmallWorld = boost::small_world_iterator<sim::BlockEngine, BoostGraph>;
    using Random = boost::sorted_erdos_renyi_iterator<sim::BlockEngine, BoostGraph>;
    using Plod = boost::plod_iterator<sim::BlockEngine, BoostGraph>;
    for (const CounterStream* stream : {&kStream, &kOtherStream})
        for (NodeId n : {50u, 1001u, 30000u}) {
            SCOPED_TRACE("nodes " + std::to_string(n));
            expect_generator_streams_like_its_list<SmallWorld>(n, *stream, n, 10u, 0.2);
            expect_generator_streams_like_its_list<Random>(n, *stream, n, 8.0 / (n - 1));
            // A large beta for this alpha: the hubs' many merged edges.
            expect_generator_streams_like_its_list<Plod>(n, *stream, n, 0.9, 0.1 * n);
        }
    expect_generator_streams_like_its_list<SmallWorld>(4096, kStream, 4096u, 2u, 0.3);
}

TEST(StreamedBuild, MergesDuplicatesAndDropsSelfLoops) {
    const std::vector<Edge> edges = {{0, 1}, {1, 0}, {2, 2}, {3, 1}, {0, 1}, {6, 5},
                                     {5, 6}, {4, 4}, {1, 3}, {6, 0}, {6, 6}};
    int walks = 0;
    const Network net = Network::from_edge_stream(7, ListStream{edges, &walks});
    expect_simple_undirected(net);
    EXPECT_EQ(net.undirected_edges(), 4u);
    EXPECT_EQ(row(net, 0), (std::vector<NodeId>{1, 6}));
    EXPECT_EQ(row(net, 1), (std::vector<NodeId>{0, 3}));
    EXPECT_EQ(row(net, 2), (std::vector<NodeId>{}));
    EXPECT_EQ(row(net, 3), (std::vector<NodeId>{1}));
    EXPECT_EQ(row(net, 4), (std::vector<NodeId>{}));
    EXPECT_EQ(row(net, 5), (std::vector<NodeId>{6}));
    EXPECT_EQ(row(net, 6), (std::vector<NodeId>{0, 5}));
    expect_streamed_equals_listed(7, edges);
    expect_streamed_equals_listed(7, {});
    expect_streamed_equals_listed(0, {});
}

// Many duplicates and self-loops over a few nodes, across several batches:
// the merged network is a fraction of what was counted, so it is reallocated
// to its exact size.
TEST(StreamedBuild, HeavilyMergedStreamMatchesAndIsShrunk) {
    const NodeId n = 300;
    std::vector<Edge> edges;
    std::uint64_t x = 12345;
    for (int i = 0; i < 50000; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        edges.emplace_back(static_cast<NodeId>((x >> 33) % n), static_cast<NodeId>((x >> 13) % n));
    }
    expect_streamed_equals_listed(n, edges);
    const Network net = Network::from_edges(n, std::move(edges));
    expect_simple_undirected(net);
    EXPECT_EQ(net.bytes(), (n + 1) * sizeof(std::uint64_t) + 2 * net.undirected_edges() * sizeof(NodeId));
}

TEST(StreamedBuild, NodeOutsideTheRangeThrows) {
    const std::vector<Edge> edges = {{0, 1}, {1, 7}};
    int walks = 0;
    EXPECT_THROW(Network::from_edge_stream(7, ListStream{edges, &walks}), std::out_of_range);
    EXPECT_THROW(Network::from_edges(7, std::vector<Edge>(edges)), std::out_of_range);
}

// A second walk that overfills a row, or leaves the last row short, is caught
// rather than written out of bounds or returned.
TEST(StreamedBuild, StreamThatDoesNotReplayThrows) {
    const std::vector<Edge> counted = {{0, 1}, {0, 2}};
    const auto replaying_as = [&counted](std::vector<Edge> second) {
        return [&counted, second, walk = 0](auto&& sink) mutable {
            for (const auto& [a, b] : walk++ == 0 ? counted : second) sink(a, b);
        };
    };
    EXPECT_THROW(Network::from_edge_stream(3, replaying_as({{0, 1}, {0, 1}, {0, 1}})), std::logic_error);
    EXPECT_THROW(Network::from_edge_stream(3, replaying_as({{0, 1}})), std::logic_error);
    EXPECT_THROW(Network::from_edge_stream(3, replaying_as({{0, 1}, {0, 3}})), std::logic_error);
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
