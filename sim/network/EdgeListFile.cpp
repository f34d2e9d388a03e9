#include "sim/network/EdgeListFile.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// The line without its comment (which may start anywhere) and surrounding blanks.
std::string_view content_of(std::string_view line) {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    return trim(line);
}

// Splits "a b", "a,b", "a , b" into fields; a comma separates exactly like a
// run of blanks but counts once, so "a,,b" yields an empty field and fails.
std::vector<std::string_view> split_fields(std::string_view s) {
    std::vector<std::string_view> fields;
    while (true) {
        std::size_t end = 0;
        while (end < s.size() && !is_space(s[end]) && s[end] != ',') ++end;
        fields.push_back(s.substr(0, end));
        s = trim(s.substr(end));
        if (s.empty()) return fields;
        if (s.front() == ',') s = trim(s.substr(1));
    }
}

class LineParser {
public:
    LineParser(const std::string& path, NodeId nodes) : path_(path), nodes_(nodes) {}

    // The edge on this line, or nothing for a blank or comment-only line.
    std::optional<Edge> parse(std::string_view line, std::size_t number) const {
        const std::string_view content = content_of(line);
        if (content.empty()) return std::nullopt;
        const auto fields = split_fields(content);
        if (fields.size() > 2)
            fail(number, "expected two node ids, found " + std::to_string(fields.size()) + " fields in \"" +
                             std::string(content) + "\"");
        if (fields.size() < 2) fail(number, "expected two node ids, found \"" + std::string(content) + "\"");
        return Edge{node_id(fields[0], content, number), node_id(fields[1], content, number)};
    }

private:
    NodeId node_id(std::string_view field, std::string_view content, std::size_t number) const {
        if (field.size() > 1 && field.front() == '-' && is_digits(field.substr(1)))
            fail(number, "negative node id " + std::string(field) + "; ids are 0-based and non-negative");
        if (field.empty() || !is_digits(field))
            fail(number, "expected two node ids, found \"" + std::string(content) + "\"");
        std::uint64_t value = 0;
        const auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
        if (ec != std::errc() || value >= nodes_) fail(number, "node id " + std::string(field) + " " + range_text());
        return static_cast<NodeId>(value);
    }

    std::string range_text() const {
        if (nodes_ == 0) return "is out of range: the population is empty";
        return "is out of range 0.." + std::to_string(nodes_ - 1) + " (" + std::to_string(nodes_) + " nodes)";
    }

    static bool is_digits(std::string_view s) {
        if (s.empty()) return false;
        for (char c : s)
            if (c < '0' || c > '9') return false;
        return true;
    }

    [[noreturn]] void fail(std::size_t number, const std::string& message) const {
        throw EdgeListError(path_, number, message);
    }

    const std::string& path_;
    NodeId nodes_;
};

std::ifstream open_edge_list(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) throw EdgeListError(path, 0, "edge list file not found");
    if (std::filesystem::is_directory(path, ec)) throw EdgeListError(path, 0, "is a directory, not an edge list file");
    // A device such as /dev/zero would be read until memory runs out.
    if (!std::filesystem::is_regular_file(path, ec))
        throw EdgeListError(path, 0, "is not a regular file (a device, pipe or socket)");
    std::ifstream in(path);
    if (!in) throw EdgeListError(path, 0, "cannot open edge list file for reading");
    return in;
}

}  // namespace

std::string read_edge_list_text(const std::string& path) {
    std::ifstream in = open_edge_list(path);
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad()) throw EdgeListError(path, 0, "read error");
    return text.str();
}

Network parse_edge_list(const std::string& text, const std::string& path, NodeId nodes) {
    std::istringstream in(text);
    const LineParser parser(path, nodes);
    std::vector<Edge> edges;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number)
        if (const auto edge = parser.parse(line, number)) edges.push_back(*edge);
    return Network::from_edges(nodes, std::move(edges));
}

Network read_edge_list(const std::string& path, NodeId nodes) {
    return parse_edge_list(read_edge_list_text(path), path, nodes);
}

}  // namespace sim
