#pragma once
// An undirected social network in compressed sparse row form: the neighbours
// of node v are neighbours()[offsets()[v] .. offsets()[v + 1]), sorted, with no
// self-loops and no duplicates. 32-bit node ids and 64-bit offsets: about
// 4 * mean degree + 8 bytes per node.
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace sim {

using NodeId = std::uint32_t;
using Edge = std::pair<NodeId, NodeId>;

class Network {
public:
    Network() = default;

    // Builds the CSR form from undirected edges in any order. Self-loops are
    // dropped, duplicate edges (in either direction) are merged. Consumes the
    // edge list to free its memory before the CSR arrays are filled.
    static Network from_edges(NodeId nodes, std::vector<Edge>&& edges);

    NodeId nodes() const { return static_cast<NodeId>(offsets_.empty() ? 0 : offsets_.size() - 1); }
    std::uint64_t undirected_edges() const { return neighbours_.size() / 2; }
    std::uint32_t degree(NodeId v) const { return static_cast<std::uint32_t>(offsets_[v + 1] - offsets_[v]); }
    std::span<const NodeId> neighbours(NodeId v) const {
        return {neighbours_.data() + offsets_[v], neighbours_.data() + offsets_[v + 1]};
    }
    // Cache hints for visiting scattered nodes: first the row's offsets, a few
    // nodes later its neighbours (which need the offsets to be found).
    void prefetch_offsets(NodeId v) const { __builtin_prefetch(offsets_.data() + v); }
    void prefetch_neighbours(NodeId v) const { __builtin_prefetch(neighbours_.data() + offsets_[v]); }
    double mean_degree() const { return nodes() ? static_cast<double>(neighbours_.size()) / nodes() : 0.0; }
    std::size_t bytes() const {
        return offsets_.capacity() * sizeof(std::uint64_t) + neighbours_.capacity() * sizeof(NodeId);
    }

private:
    std::vector<std::uint64_t> offsets_;
    std::vector<NodeId> neighbours_;
};

}  // namespace sim
