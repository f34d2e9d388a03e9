#include "sim/network/Network.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sim {

Network Network::from_edges(NodeId nodes, std::vector<Edge>&& edges) {
    Network net;
    net.offsets_.assign(static_cast<std::size_t>(nodes) + 1, 0);
    for (const auto& [a, b] : edges) {
        if (a >= nodes || b >= nodes)
            throw std::out_of_range("edge (" + std::to_string(a) + ", " + std::to_string(b) +
                                    ") names a node outside 0.." + std::to_string(nodes - 1));
        if (a == b) continue;
        ++net.offsets_[a + 1];
        ++net.offsets_[b + 1];
    }
    for (std::size_t v = 0; v < nodes; ++v) net.offsets_[v + 1] += net.offsets_[v];

    std::vector<NodeId> adjacency(net.offsets_.back());
    std::vector<std::uint64_t> cursor(net.offsets_.begin(), net.offsets_.end() - 1);
    for (const auto& [a, b] : edges) {
        if (a == b) continue;
        adjacency[cursor[a]++] = b;
        adjacency[cursor[b]++] = a;
    }
    std::vector<Edge>().swap(edges);
    std::vector<std::uint64_t>().swap(cursor);

    // Sort each row and squeeze out duplicates in place, then rewrite offsets.
    std::uint64_t write = 0;
    std::uint64_t row_begin = 0;
    for (std::size_t v = 0; v < nodes; ++v) {
        const std::uint64_t row_end = net.offsets_[v + 1];
        auto first = adjacency.begin() + static_cast<std::ptrdiff_t>(row_begin);
        auto last = adjacency.begin() + static_cast<std::ptrdiff_t>(row_end);
        std::sort(first, last);
        last = std::unique(first, last);
        net.offsets_[v] = write;
        for (auto it = first; it != last; ++it) adjacency[write++] = *it;
        row_begin = row_end;
    }
    net.offsets_[nodes] = write;
    adjacency.resize(write);
    adjacency.shrink_to_fit();
    net.neighbours_ = std::move(adjacency);
    return net;
}

}  // namespace sim
