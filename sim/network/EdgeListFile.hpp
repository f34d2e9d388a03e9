#pragma once
// Reads an undirected network from a text edge list: one edge per line as
// two 0-based node ids separated by whitespace (or a comma); blank lines and
// lines starting with '#' are ignored, and a '#' later in a line starts a
// comment. Self-loops and duplicate edges (in either direction) are merged
// silently, as Network::from_edges does, so an edge list exported from a
// directed or multi-graph tool loads as its simple undirected skeleton.
// Errors throw EdgeListError naming the file and the 1-based line (0 when the
// file itself cannot be read): a line that is not exactly two non-negative
// integers, or an id >= nodes.
#include "sim/network/Network.hpp"

#include <stdexcept>
#include <string>

namespace sim {

class EdgeListError : public std::runtime_error {
public:
    EdgeListError(const std::string& path, std::size_t line, const std::string& what)
        : std::runtime_error(path + (line ? ":" + std::to_string(line) : std::string()) + ": " + what),
          path_(path),
          line_(line) {}
    const std::string& path() const { return path_; }
    std::size_t line() const { return line_; }

private:
    std::string path_;
    std::size_t line_;
};

// `nodes` is the population size: every id must be below it.
Network read_edge_list(const std::string& path, NodeId nodes);

// The two halves of read_edge_list: the file's bytes (errors at line 0), and
// the network in them (`path` names the file in errors). Split so that an
// experiment reads each input file once, keeps its digest, and can store it.
std::string read_edge_list_text(const std::string& path);
Network parse_edge_list(const std::string& text, const std::string& path, NodeId nodes);

}  // namespace sim
