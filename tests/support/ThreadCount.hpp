#pragma once
// Restores the OpenMP thread count when a test that sets it ends.
#include <omp.h>

namespace testing_support {

class ThreadCount {
public:
    ThreadCount() : saved_(omp_get_max_threads()) {}
    ~ThreadCount() { omp_set_num_threads(saved_); }
    ThreadCount(const ThreadCount&) = delete;
    ThreadCount& operator=(const ThreadCount&) = delete;

private:
    int saved_;
};

}  // namespace testing_support
