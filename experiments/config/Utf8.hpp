#pragma once
// Where text stops being well-formed UTF-8. yaml-cpp passes such bytes
// straight into strings, and on into names in the results file, which h5py
// then cannot decode: config files and --set values are checked first.
#include <string>

namespace experiments {

// Offset of the first byte that does not belong to well-formed UTF-8 (no
// overlong forms, no surrogates, nothing above U+10FFFF), or npos.
// `cut_short`: the text ends inside an otherwise valid character.
std::size_t first_invalid_utf8(const std::string& text, bool& cut_short);

}  // namespace experiments
