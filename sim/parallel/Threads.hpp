#pragma once
// The number of threads used inside one run.
#include <omp.h>

namespace sim {

inline void set_threads(int n) {
    if (n > 0) omp_set_num_threads(n);
}
inline int max_threads() {
    return omp_get_max_threads();
}

}  // namespace sim
