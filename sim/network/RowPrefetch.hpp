#pragma once
// Warms the cache for the adjacency rows a later pass will visit, for nodes
// listed as they are found (a list that only grows). A row is found through
// its offsets, so it comes in two stages a step apart: first the node's
// offsets, then, at the next step (once they have had time to arrive), its
// neighbours. At a million nodes and more neither is likely to be in cache
// for a node picked at random, and waiting for both, node after node, is
// what the later pass would otherwise do.
#include "sim/network/Network.hpp"

#include <cstddef>

namespace sim {

class RowPrefetch {
public:
    // Call once per step, with the list as it stands: node_of(list[k]) is the
    // k-th node.
    template <class List, class NodeOf>
    void advance(const Network& network, const List& list, NodeOf node_of) {
        for (; rows_ < offsets_; ++rows_) network.prefetch_neighbours(node_of(list[rows_]));
        for (; offsets_ < list.size(); ++offsets_) network.prefetch_offsets(node_of(list[offsets_]));
    }

private:
    std::size_t offsets_ = 0;  // list entries whose offsets were asked for
    std::size_t rows_ = 0;     // list entries whose rows were asked for
};

}  // namespace sim
