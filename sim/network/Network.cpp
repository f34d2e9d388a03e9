#include "sim/network/Network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sim {

namespace {

[[noreturn]] void throw_not_replayed() {
    throw std::logic_error("Network::from_edge_stream: the second pass over the edges differed from the first");
}

}  // namespace

Network Network::from_edges(NodeId nodes, std::vector<Edge>&& edges) {
    Network net;
    net.start_counting(nodes);
    net.count_edges(edges);
    net.start_filling();
    net.place_edges(edges);
    std::vector<Edge>().swap(edges);
    net.finish_rows();
    return net;
}

void Network::start_counting(NodeId nodes) {
    offsets_.assign(static_cast<std::size_t>(nodes) + 1, 0);
    neighbours_.clear();
}

void Network::count_edges(std::span<const Edge> edges) {
    const NodeId nodes = this->nodes();
    for (const auto& [a, b] : edges) {
        if (a >= nodes || b >= nodes)
            throw std::out_of_range("edge (" + std::to_string(a) + ", " + std::to_string(b) +
                                    ") names a node outside 0.." + std::to_string(nodes - 1));
        if (a == b) continue;
        ++offsets_[a + 1];
        ++offsets_[b + 1];
    }
}

// Degrees to row starts, one slot up: offsets_[v + 1] becomes where row v
// begins, which is where its cursor starts.
void Network::start_filling() {
    std::uint64_t start = 0;
    for (std::size_t v = 1; v < offsets_.size(); ++v) start += std::exchange(offsets_[v], start);
    neighbours_.resize(start);
}

// Bounds-checked so that a stream which does not replay cannot write past the
// array (a compare per write, beside a scattered store).
void Network::place_edges(std::span<const Edge> edges) {
    const NodeId nodes = this->nodes();
    const std::uint64_t size = neighbours_.size();
    for (const auto& [a, b] : edges) {
        if (a >= nodes || b >= nodes) throw_not_replayed();
        if (a == b) continue;
        if (offsets_[a + 1] >= size || offsets_[b + 1] >= size) throw_not_replayed();
        neighbours_[offsets_[a + 1]++] = b;
        neighbours_[offsets_[b + 1]++] = a;
    }
}

void Network::finish_rows() {
    if (offsets_.back() != neighbours_.size()) throw_not_replayed();
    // Sort each row and squeeze out duplicates in place, then rewrite offsets.
    const std::size_t nodes = offsets_.size() - 1;
    std::uint64_t write = 0;
    std::uint64_t row_begin = 0;
    for (std::size_t v = 0; v < nodes; ++v) {
        const std::uint64_t row_end = offsets_[v + 1];
        auto first = neighbours_.begin() + static_cast<std::ptrdiff_t>(row_begin);
        auto last = neighbours_.begin() + static_cast<std::ptrdiff_t>(row_end);
        std::sort(first, last);
        last = std::unique(first, last);
        offsets_[v] = write;
        for (auto it = first; it != last; ++it) neighbours_[write++] = *it;
        row_begin = row_end;
    }
    offsets_[nodes] = write;
    // shrink_to_fit copies the whole array, so while it runs the build needs the
    // network twice over. Watts-Strogatz and Erdos-Renyi merge next to nothing
    // and PLOD a few percent (at alpha <= 0.5), so the slack is kept unless it
    // is over an eighth of the array; bytes() counts it.
    const std::size_t slack = neighbours_.size() - write;
    neighbours_.resize(write);
    if (slack > neighbours_.capacity() / 8) neighbours_.shrink_to_fit();
}

}  // namespace sim
