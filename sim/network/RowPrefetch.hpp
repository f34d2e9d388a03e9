#pragma once
// Warms the cache for the adjacency rows a later pass will visit, for nodes
// listed as a sweep over the nodes finds them (a list that only grows). A
// row is found through its offsets, so it comes in two stages a step of the
// sweep apart: first the offsets of the nodes the step will look at (a
// contiguous run, a few cache lines), then, at the next step, once they have
// arrived, the rows of the nodes that step listed. At a million nodes and
// more neither is likely to be in cache, and waiting for both, node after
// node, is what the later pass would otherwise do.
#include "sim/network/Network.hpp"

#include <cstddef>

namespace sim {

class RowPrefetch {
public:
    // Call at the start of each step, with the list as it stands and the
    // nodes [first, end) the step will look at: node_of(list[k]) is the
    // k-th listed node.
    template <class List, class NodeOf>
    void advance(const Network& network, const List& list, NodeOf node_of, NodeId first, NodeId end) {
        for (; rows_ < list.size(); ++rows_) network.prefetch_neighbours(node_of(list[rows_]));
        network.prefetch_offsets(first, end);
    }

private:
    std::size_t rows_ = 0;  // list entries whose rows were asked for
};

}  // namespace sim
