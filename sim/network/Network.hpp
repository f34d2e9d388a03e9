#pragma once
// An undirected social network in compressed sparse row form: the neighbours
// of node v are neighbours()[offsets()[v] .. offsets()[v + 1]), sorted, with no
// self-loops and no duplicates. 32-bit node ids and 64-bit offsets: about
// 4 * mean degree + 8 bytes per node.
#include "sim/util/HugePageAllocator.hpp"

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
    // edge list to free its memory before the rows are sorted.
    static Network from_edges(NodeId nodes, std::vector<Edge>&& edges);

    // The same network as from_edges, from edges that are never all held at
    // once: emit_edges(sink) calls sink(a, b) for every edge, and is called
    // twice (count the degrees, then fill the rows), yielding the same edges in
    // the same order both times. The build then needs little memory beyond the
    // CSR arrays themselves, which matters at 10^8 nodes, where an edge list is
    // as big as the network. An edge naming a node >= nodes throws
    // std::out_of_range. A second pass that differs from the first is a bug in
    // the caller: it throws std::logic_error, or gives a wrong network if it
    // happens to fit the counted row sizes, but never writes out of bounds.
    template <class EmitEdges>
    static Network from_edge_stream(NodeId nodes, EmitEdges&& emit_edges) {
        Network net;
        net.start_counting(nodes);
        in_batches(emit_edges, [&net](std::span<const Edge> edges) { net.count_edges(edges); });
        net.start_filling();
        in_batches(emit_edges, [&net](std::span<const Edge> edges) { net.place_edges(edges); });
        net.finish_rows();
        return net;
    }

    NodeId nodes() const { return static_cast<NodeId>(offsets_.empty() ? 0 : offsets_.size() - 1); }
    std::uint64_t undirected_edges() const { return neighbours_.size() / 2; }
    std::uint32_t degree(NodeId v) const { return static_cast<std::uint32_t>(offsets_[v + 1] - offsets_[v]); }
    // Row v is neighbours()[offsets[v] .. offsets[v + 1]) (nodes() + 1 of them; none when empty).
    std::span<const std::uint64_t> offsets() const { return offsets_; }
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
    // The build, in two passes over the edges. While counting, offsets_[v + 1]
    // is v's degree; while filling, it is the cursor of row v (starting at the
    // row's first slot), so once every row is full it is where row v ends, i.e.
    // the CSR offset of v + 1, and no separate cursor array is needed.
    void start_counting(NodeId nodes);
    void count_edges(std::span<const Edge> edges);
    void start_filling();
    void place_edges(std::span<const Edge> edges);
    void finish_rows();

    // Hands the stream's edges on a few thousand at a time: the scattered
    // degree and row updates then run in a tight loop where their cache misses
    // overlap, instead of one at a time between a generator's draws (which
    // made a streamed Erdos-Renyi build at 10^7 nodes four times slower).
    template <class EmitEdges, class Use>
    static void in_batches(EmitEdges& emit_edges, Use use) {
        constexpr std::size_t kBatch = 4096;  // 32 KB
        std::vector<Edge> batch;
        batch.reserve(kBatch);
        emit_edges([&](NodeId a, NodeId b) {
            batch.emplace_back(a, b);
            if (batch.size() == kBatch) {
                use(batch);
                batch.clear();
            }
        });
        use(batch);
    }

    HugePageVector<std::uint64_t> offsets_;
    HugePageVector<NodeId> neighbours_;
};

}  // namespace sim
