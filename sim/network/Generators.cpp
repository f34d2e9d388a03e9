#include "sim/network/Generators.hpp"

#include "sim/random/BlockEngine.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/erdos_renyi_generator.hpp>
#include <boost/graph/plod_generator.hpp>
#include <boost/graph/small_world_generator.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace sim {

namespace {

// Draw purposes of the network generators. They live far above the model's
// purposes (models/market/DrawPurpose.hpp) so that building a network never
// shares a substream with an agent decision, and each generator has its own so
// that switching topology does not correlate two networks of one run.
constexpr std::uint32_t kPurposeWattsStrogatz = 0xF0000001;
constexpr std::uint32_t kPurposeErdosRenyi = 0xF0000002;
constexpr std::uint32_t kPurposeScaleFree = 0xF0000003;

// Boost's iterators only use the graph type for its size types and its
// directedness (PLOD picks its undirected variant from it).
using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

void require(bool ok, const std::string& message) {
    if (!ok) throw std::invalid_argument(message);
}

// Builds the network straight from a Boost edge iterator, without an edge list:
// the builder walks the edges twice, and each walk starts a fresh engine on the
// same substream, so both walks see the same draws and hence the same edges.
template <class EdgeIterator, class... IteratorArgs>
Network generate(NodeId nodes, const CounterStream& stream, std::uint32_t purpose, const IteratorArgs&... args) {
    return Network::from_edge_stream(nodes, [&](auto&& sink) {
        BlockEngine engine(stream, purpose, /*agent*/ 0);
        for (EdgeIterator edge(engine, args...), last; edge != last; ++edge)
            sink(static_cast<NodeId>(edge->first), static_cast<NodeId>(edge->second));
    });
}

// ---- PLOD calibration ------------------------------------------------------
//
// The undirected PLOD iterator gives node i the stub count
//   g(x) = clamp(floor(beta * x^-alpha), 1, n - 1),  x ~ uniform{0..n-1}, g(0) = 1,
// and pairs stubs two at a time, so the expected mean degree before merging is
// E[g(x)] = (1 / n) * sum_x g(x). That sum is computed exactly: directly for the
// few small x where g is large, and by level sets (how many x reach each degree
// d) for the long tail where g is small, so one evaluation costs
// O(kDirectPrefix + g(kDirectPrefix)) rather than O(n).

constexpr std::uint64_t kDirectPrefix = 1u << 12;

std::uint64_t plod_stubs(std::uint64_t x, std::uint64_t n, double alpha, double beta) {
    if (x == 0) return 1;
    // Same expression as the iterator, so the floor falls where Boost's does.
    const double raw = beta * std::pow(static_cast<double>(x), -alpha);
    if (raw >= static_cast<double>(n - 1)) return n - 1;
    return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(raw));
}

// Largest x <= n - 1 with beta * x^-alpha >= d, i.e. the last x whose stub count
// reaches d. Capped in floating point first, as the power can overflow.
std::uint64_t last_x_reaching(double d, std::uint64_t n, double alpha, double beta) {
    const double x = std::floor(std::pow(beta / d, 1.0 / alpha));
    return x >= static_cast<double>(n - 1) ? n - 1 : static_cast<std::uint64_t>(x);
}

double plod_expected_mean_degree(std::uint64_t n, double alpha, double beta) {
    const std::uint64_t prefix_end = std::min(n - 1, kDirectPrefix);  // x in [1, prefix_end] summed directly
    double total = 1.0;                                               // x = 0
    for (std::uint64_t x = 1; x <= prefix_end; ++x) total += static_cast<double>(plod_stubs(x, n, alpha, beta));
    if (prefix_end == n - 1) return total / static_cast<double>(n);

    // Tail x in (prefix_end, n - 1]: every x has at least one stub, and the
    // count with at least d stubs is the stretch of x up to last_x_reaching(d).
    const std::uint64_t tail = n - 1 - prefix_end;
    total += static_cast<double>(tail);
    const std::uint64_t top = plod_stubs(prefix_end + 1, n, alpha, beta);
    for (std::uint64_t d = 2; d <= top; ++d) {
        const std::uint64_t last = last_x_reaching(static_cast<double>(d), n, alpha, beta);
        if (last <= prefix_end) break;
        total += static_cast<double>(last - prefix_end);
    }
    return total / static_cast<double>(n);
}

// The expected mean degree is a nondecreasing step function of beta, so
// bisection finds the beta where it crosses the target.
double solve_plod_beta(std::uint64_t n, double alpha, double target) {
    // With every x >= 1 capped at n - 1 stubs (and x = 0 at one) nothing more is
    // reachable; checking first keeps the bracket search from running away.
    const double nd = static_cast<double>(n);
    const double reachable = (1.0 + (nd - 1.0) * (nd - 1.0)) / nd;
    require(target <= reachable, "scale_free: mean_degree " + std::to_string(target) + " is not reachable with " +
                                     std::to_string(n) + " nodes (at most " + std::to_string(reachable) + ")");
    double lo = 0.0;
    double hi = 1.0;
    while (plod_expected_mean_degree(n, alpha, hi) < target) hi *= 2.0;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
        const double mid = 0.5 * (lo + hi);
        (plod_expected_mean_degree(n, alpha, mid) < target ? lo : hi) = mid;
    }
    return hi;
}

}  // namespace

Network watts_strogatz(NodeId nodes, const SmallWorldParams& p, const CounterStream& stream) {
    require(nodes >= 3, "watts_strogatz: need at least 3 nodes, got " + std::to_string(nodes));
    require(p.k > 0 && p.k % 2 == 0 && p.k < nodes, "watts_strogatz: k must be even and in [2, nodes) = [2, " +
                                                        std::to_string(nodes) + "), got " + std::to_string(p.k));
    require(p.beta >= 0.0 && p.beta <= 1.0, "watts_strogatz: beta must be in [0, 1], got " + std::to_string(p.beta));
    // A rewired edge must avoid the node's k + 1 ring neighbourhood; Boost would
    // spin forever if that were the whole graph.
    require(p.beta == 0.0 || p.k + 1 < nodes,
            "watts_strogatz: with beta > 0, k must be below nodes - 1 so a rewired edge has somewhere to go (k = " +
                std::to_string(p.k) + ", nodes = " + std::to_string(nodes) + ")");

    using Iterator = boost::small_world_iterator<BlockEngine, BoostGraph>;
    return generate<Iterator>(nodes, stream, kPurposeWattsStrogatz, nodes, p.k, p.beta);
}

Network erdos_renyi(NodeId nodes, const RandomGraphParams& p, const CounterStream& stream) {
    require(nodes >= 2, "erdos_renyi: need at least 2 nodes, got " + std::to_string(nodes));
    const double max_mean = static_cast<double>(nodes) - 1.0;
    require(p.mean_degree >= 0.0 && p.mean_degree < max_mean,
            "erdos_renyi: mean_degree must be in [0, nodes - 1) = [0, " + std::to_string(max_mean) + "), got " +
                std::to_string(p.mean_degree));
    // Boost's geometric skip distribution asserts 0 < prob < 1.
    if (p.mean_degree == 0.0) return Network::from_edges(nodes, {});

    const double prob = p.mean_degree / max_mean;
    using Iterator = boost::sorted_erdos_renyi_iterator<BlockEngine, BoostGraph>;
    return generate<Iterator>(nodes, stream, kPurposeErdosRenyi, nodes, prob);
}

Network scale_free(NodeId nodes, const ScaleFreeParams& p, const CounterStream& stream) {
    require(nodes >= 2, "scale_free: need at least 2 nodes, got " + std::to_string(nodes));
    require(p.alpha > 0.0 && p.alpha <= 1.0, "scale_free: alpha must be in (0, 1], got " + std::to_string(p.alpha));
    const double max_mean = static_cast<double>(nodes) - 1.0;
    // PLOD gives every node at least one stub, so a mean below 1 is unreachable.
    require(p.mean_degree >= 1.0 && p.mean_degree < max_mean,
            "scale_free: mean_degree must be in [1, nodes - 1) = [1, " + std::to_string(max_mean) + "), got " +
                std::to_string(p.mean_degree));

    const double beta = solve_plod_beta(nodes, p.alpha, p.mean_degree);
    using Iterator = boost::plod_iterator<BlockEngine, BoostGraph>;
    // While it runs, PLOD's iterator holds a stub table of 16 bytes per node
    // (up to 32 as the vector grows), on top of the CSR arrays being built.
    return generate<Iterator>(nodes, stream, kPurposeScaleFree, nodes, p.alpha, beta);
}

}  // namespace sim
