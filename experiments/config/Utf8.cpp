#include "experiments/config/Utf8.hpp"

namespace experiments {

std::size_t first_invalid_utf8(const std::string& text, bool& cut_short) {
    cut_short = false;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char c = byte(i);
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
        if (c < 0x80)
            length = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            length = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            length = 3, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            length = 4, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
        else
            return i;
        for (std::size_t k = 1; k < length; ++k) {
            if (i + k >= text.size()) return cut_short = true, i;
            const unsigned char next = byte(i + k);
            if (k == 1 ? (next < low || next > high) : (next < 0x80 || next > 0xBF)) return i;
        }
        i += length;
    }
    return std::string::npos;
}

}  // namespace experiments
