#pragma once
// A 64-bit FNV-1a digest of bytes, for regression tests that pin a run's
// results bit for bit in one number.
#include <cstddef>
#include <cstdint>

namespace testing_support {

class Fnv1a {
public:
    void mix(const void* data, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k) {
            value_ ^= static_cast<const unsigned char*>(data)[k];
            value_ *= 1099511628211ull;
        }
    }
    std::uint64_t value() const { return value_; }

private:
    std::uint64_t value_ = 1469598103934665603ull;
};

}  // namespace testing_support
