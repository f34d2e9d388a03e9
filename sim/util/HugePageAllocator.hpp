#pragma once
// An allocator for the large arrays a run streams through every tick
// (customer columns, the network's rows): arrays of 2 MiB or more are placed
// on 2 MiB boundaries and the whole 2 MiB pages they fill are offered to the
// kernel as transparent huge pages (madvise MADV_HUGEPAGE, Linux; the rest
// of the last one stays on ordinary pages, so that no memory is backed that
// the array does not use). A tick touches a few dozen columns in
// step and the network's rows at random; with 4 KiB pages that is a TLB
// miss every few hundred customers per column, and nearly one per story
// told, while a million customers' whole state fits in some seventy huge
// pages. Where the kernel declines (THP off, no huge page free), the pages
// are ordinary ones: nothing but speed depends on it, and results never do.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace sim {

inline constexpr std::size_t kHugePage = std::size_t{2} << 20;

// How much of an array of `bytes`, starting on a huge page, is advised as
// huge pages: the whole 2 MiB pages it fills. Its last, partly used one
// would otherwise be backed whole, up to 2 MiB more than the array uses.
constexpr std::size_t huge_page_span(std::size_t bytes) {
    return bytes / kHugePage * kHugePage;
}

template <class T>
struct HugePageAllocator {
    // Small arrays come from malloc, aligned for any standard type only.
    static_assert(alignof(T) <= alignof(std::max_align_t));
    using value_type = T;

    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>&) {}

    T* allocate(std::size_t n) {
        if (n > (static_cast<std::size_t>(-1) - kHugePage) / sizeof(T)) throw std::bad_alloc();
        const std::size_t bytes = n * sizeof(T);
        void* p = nullptr;
        if (bytes >= kHugePage) {
            // aligned_alloc wants a multiple of the alignment.
            const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
            p = std::aligned_alloc(kHugePage, rounded);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
            if (p != nullptr) madvise(p, huge_page_span(bytes), MADV_HUGEPAGE);  // a hint: failing is fine
#endif
        } else {
            p = std::malloc(bytes == 0 ? 1 : bytes);
        }
        if (p == nullptr) throw std::bad_alloc();
        return static_cast<T*>(p);
    }

    void deallocate(T* p, std::size_t) noexcept {
        std::free(p);
    }

    template <class U>
    bool operator==(const HugePageAllocator<U>&) const noexcept {
        return true;
    }
};

// A std::vector whose storage is HugePageAllocator's.
template <class T>
using HugePageVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace sim
