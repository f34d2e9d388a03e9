#pragma once
// Social network generators. Each wraps a Boost.Graph generator fed by a
// counter-based substream (so a network is a pure function of its seed), then
// stores the result as CSR with self-loops and duplicate edges removed.
// Parameters outside the ranges noted below throw std::invalid_argument
// (several would otherwise make the Boost iterators loop forever or assert).
#include "sim/network/Network.hpp"
#include "sim/random/CounterStream.hpp"

#include <string>

namespace sim {

// Watts–Strogatz small world: a ring where each node is joined to its k
// nearest neighbours (k/2 on each side); each edge is rewired with
// probability beta to a uniformly chosen node (boost::small_world_iterator).
struct SmallWorldParams {
    std::uint32_t k = 10;  // even, < nodes (< nodes - 1 when beta > 0)
    double beta = 0.1;     // rewiring probability, [0, 1]
};
Network watts_strogatz(NodeId nodes, const SmallWorldParams& p, const CounterStream& stream);

// Erdős–Rényi G(n, p) with p = mean_degree / (n - 1)
// (boost::sorted_erdos_renyi_iterator: geometric skips, O(edges)).
struct RandomGraphParams {
    double mean_degree = 10.0;  // >= 0, < nodes - 1 (so that p < 1)
};
Network erdos_renyi(NodeId nodes, const RandomGraphParams& p, const CounterStream& stream);

// Scale-free network by the power-law out-degree (PLOD) algorithm of Palmer &
// Steffan (boost::plod_iterator): node degrees are drawn as beta * x^-alpha
// and stubs joined at random. The tail of the degree distribution falls as
// d^-(1 + 1/alpha); beta is solved so that the expected mean degree is
// mean_degree (before duplicates are merged).
// Caveat: Boost pairs stubs by picking nodes, not stubs, uniformly, so the hubs
// outlast everyone and their last stubs pair with each other and are merged.
// The realised mean is therefore below mean_degree: by ~1-3% for alpha <= 0.5
// (n >= 20000), ~10% at alpha = 0.7 and ~45% at alpha = 1.
struct ScaleFreeParams {
    double alpha = 0.5;         // (0, 1]; 0.5 gives a d^-3 tail as in Barabási–Albert
    double mean_degree = 10.0;  // >= 1 (PLOD gives every node a stub), < nodes - 1
};
Network scale_free(NodeId nodes, const ScaleFreeParams& p, const CounterStream& stream);

}  // namespace sim
