#pragma once
// One agent variable stored contiguously (structure of arrays): agent i's
// value is column[i]. Models keep their state as a set of columns so that
// each tick phase streams through memory and parallelises over agent ranges.
#include "sim/util/HugePageAllocator.hpp"

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace sim {

template <class T>
class Column {
public:
    Column() = default;
    Column(std::string name, std::size_t size, T initial = T{}) : name_(std::move(name)), values_(size, initial) {}

    T& operator[](std::size_t i) { return values_[i]; }
    const T& operator[](std::size_t i) const { return values_[i]; }
    std::size_t size() const { return values_.size(); }
    std::span<T> span() { return values_; }
    std::span<const T> span() const { return values_; }
    T* data() { return values_.data(); }
    const T* data() const { return values_.data(); }
    void fill(T value) { std::fill(values_.begin(), values_.end(), value); }

    const std::string& name() const { return name_; }
    std::size_t bytes() const { return values_.capacity() * sizeof(T); }

private:
    std::string name_;
    HugePageVector<T> values_;
};

}  // namespace sim
