#pragma once
// Many Philox4x32-10 blocks under one key at once, bit-identical to
// r123::Philox4x32 block by block. Philox is a chain of ten dependent
// multiply rounds; computing several independent blocks side by side in SIMD
// lanes (AVX-512: 32, AVX2: 16, SSE2: 4) costs a fraction of one scalar block each. The
// widest instruction set the processor has is chosen once at run time.
#include <array>
#include <cstddef>
#include <cstdint>

namespace sim {

using Word4 = std::array<std::uint32_t, 4>;

// out[i] = Philox4x32-10(counters[i], key) for i < n. `key` as in StreamKey.
void philox_blocks(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n);

// The same for the counters first, first + (1, 0, 0, 0), first + (2, 0, 0, 0),
// ... (word 0 counting up, wrapping at 2^32): with AVX2 the counters are made
// in registers rather than read from memory.
void philox_counting_blocks(std::uint64_t key, const Word4& first, Word4* out, std::size_t n);

// The same for the counters first + (offsets[j], 0, 0, 0), j < n: a listed
// few of a run of agents (those who bought, say), with word 0 made in
// registers from the offsets where AVX-512 serves.
void philox_listed_blocks(std::uint64_t key, const Word4& first, const std::uint16_t* offsets, Word4* out,
                          std::size_t n);

// Which implementation philox_blocks uses here: "avx512", "avx2", "sse2" or
// "scalar".
const char* philox_blocks_kind();

namespace detail {
// The implementations themselves, for tests that check each against Random123.
void philox_blocks_scalar(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n);
void philox_blocks_sse2(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n);    // x86 only
bool philox_blocks_avx2(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n);    // false: no AVX2
bool philox_blocks_avx512(std::uint64_t key, const Word4* counters, Word4* out, std::size_t n);  // false: none
// philox_counting_blocks through the implementation named `kind` (as
// philox_blocks_kind names them); false where the processor lacks it.
bool philox_counting_blocks_with(const char* kind, std::uint64_t key, const Word4& first, Word4* out, std::size_t n);
bool philox_listed_blocks_with(const char* kind, std::uint64_t key, const Word4& first, const std::uint16_t* offsets,
                               Word4* out, std::size_t n);
}  // namespace detail

}  // namespace sim
