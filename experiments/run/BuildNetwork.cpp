#include "experiments/run/BuildNetwork.hpp"

#include "sim/network/EdgeListFile.hpp"

namespace experiments {

sim::Network build_network(const NetworkSettings& s, std::uint32_t customers, const sim::CounterStream& stream) {
    switch (s.kind) {
        case NetworkKind::WattsStrogatz:
            return sim::watts_strogatz(customers, s.small_world, stream);
        case NetworkKind::ErdosRenyi:
            return sim::erdos_renyi(customers, s.random_graph, stream);
        case NetworkKind::ScaleFree:
            return sim::scale_free(customers, s.scale_free, stream);
        case NetworkKind::EdgeList:
            return sim::read_edge_list(s.edge_list_path, customers);
        case NetworkKind::None:
            break;
    }
    return sim::Network{};
}

}  // namespace experiments
