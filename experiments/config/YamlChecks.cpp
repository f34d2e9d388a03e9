#include "experiments/config/YamlChecks.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>
#include <vector>

namespace experiments {
namespace {

// The non-specific tags yaml-cpp gives untagged nodes: "?" (plain) and "!"
// (quoted). Anything else was written by the user.
bool explicitly_tagged(const YAML::Node& node) {
    const std::string& tag = node.Tag();
    return !tag.empty() && tag != "?" && tag != "!";
}

ConfigLocation at(const YAML::Node& node, const ConfigLocation& origin, const std::string& path) {
    ConfigLocation where = origin;
    where.key = path;
    if (!node.Mark().is_null() && origin.file.rfind("--set", 0) != 0) {  // a --set has no lines
        where.line = node.Mark().line + 1;
        where.column = node.Mark().column + 1;
    }
    return where;
}

// Whether the document starting at byte `pos` follows an end marker (...)
// rather than a start marker (---): the nearer of the two before it.
bool second_document_is_after_end_marker(const std::string& text, std::size_t pos) {
    const std::size_t dots = text.rfind("\n...", pos == 0 ? 0 : pos - 1);
    const std::size_t dashes = text.rfind("\n---", pos == 0 ? 0 : pos - 1);
    return dots != std::string::npos && (dashes == std::string::npos || dots > dashes);
}

// Notes where a document's first content starts; keeps nothing else, so
// reading past the first document costs no memory.
class FirstContent : public YAML::EventHandler {
public:
    bool seen = false;
    YAML::Mark mark;

    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}  // an empty document holds nothing to ignore
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { note(m); }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        note(m);
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        note(m);
    }
    void OnMapEnd() override {}

private:
    void note(const YAML::Mark& m) {
        if (!seen) mark = m;
        seen = true;
    }
};

// At most this many documents are looked at after the first: yaml-cpp's
// LoadAll keeps every document, and on some malformed input (found by the
// config fuzzer: a first line ", k: 10}") it never stops producing empty
// ones, which took 23 GB.
constexpr int kDocumentsChecked = 64;

}  // namespace

YAML::Node load_one_document(const std::string& path, const std::string& text) {
    YAML::Node first = YAML::Load(text);
    std::istringstream in(text);
    YAML::Parser parser(in);
    FirstContent skipped;
    if (!parser.HandleNextDocument(skipped)) return first;
    for (int k = 0; k < kDocumentsChecked; ++k) {
        FirstContent next;
        if (!parser.HandleNextDocument(next)) break;
        if (!next.seen) continue;
        const YAML::Mark mark = next.mark;
        const int line = mark.is_null() ? 0 : mark.line + 1;
        const bool after_end = !mark.is_null() && second_document_is_after_end_marker(text, mark.pos);
        throw ConfigError({path, line, mark.is_null() ? 0 : mark.column + 1, ""},
                          after_end ? "content after the end of the first document (...): a config is one YAML "
                                      "document; remove the '...' line or what follows it"
                                    : "a second YAML document (after ---): a config is one YAML document, and "
                                      "crmsim would ignore this one; merge it into the first or remove the '---'");
    }
    return first;
}

void reject_tags(const YAML::Node& node, const ConfigLocation& origin, const std::string& path) {
    if (!node.IsDefined()) return;
    if (explicitly_tagged(node))
        throw ConfigError(at(node, origin, path),
                          "a YAML tag (" + node.Tag() +
                              ") is not allowed: crmsim reads plain values and would ignore it; remove the tag");
    if (node.IsSequence()) {
        for (std::size_t i = 0; i < node.size(); ++i)
            reject_tags(node[i], origin, path + (path.empty() ? "" : ".") + std::to_string(i));
    } else if (node.IsMap()) {
        for (const auto& entry : node) {
            const std::string key = path + (path.empty() ? "" : ".") + entry.first.Scalar();
            reject_tags(entry.first, origin, key);
            reject_tags(entry.second, origin, key);
        }
    }
}

}  // namespace experiments
