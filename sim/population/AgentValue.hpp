#pragma once
// A per-agent value that is often the same for everyone (a trait whose
// distribution is constant): stored as one number then, and as a column only
// when agents differ. Keeps homogeneous populations from paying memory for
// traits they do not vary in.
#include "sim/population/Column.hpp"

#include <cstddef>
#include <string>
#include <utility>

namespace sim {

template <class T>
class AgentValue {
public:
    AgentValue() = default;
    // A shared value for every agent.
    explicit AgentValue(T shared) : shared_(shared) {}
    // One value per agent, all `initial` until set.
    AgentValue(std::string name, std::size_t agents, T initial)
        : shared_(initial), column_(std::move(name), agents, initial), varies_(true) {}

    T operator[](std::size_t i) const { return varies_ ? column_[i] : shared_; }
    void set(std::size_t i, T value) { column_[i] = value; }
    bool varies() const { return varies_; }
    // For loops over many agents: the column (null when shared), and the shared value.
    const T* values() const { return varies_ ? column_.data() : nullptr; }
    T shared() const { return shared_; }
    std::size_t bytes() const { return column_.bytes(); }

private:
    T shared_{};
    Column<T> column_;
    bool varies_ = false;
};

}  // namespace sim
