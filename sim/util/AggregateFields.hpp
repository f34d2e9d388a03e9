#pragma once
// The number of fields of an aggregate (a plain struct), found at compile
// time: how many initialisers T{...} accepts. Lets a registry of a struct's
// members check that it lists every one of them (static_assert), so that a
// member added to the struct but not to the registry breaks the build.
#include <cstddef>

namespace sim {
namespace detail {

// Converts to anything: stands for one field's initialiser.
struct AnyField {
    template <class T>
    operator T() const;  // NOLINT(google-explicit-constructor): declared only, for unevaluated use
};

}  // namespace detail

template <class T, class... Fields>
constexpr std::size_t aggregate_fields() {
    if constexpr (requires { T{Fields{}..., detail::AnyField{}}; })
        return aggregate_fields<T, Fields..., detail::AnyField>();
    else
        return sizeof...(Fields);
}

}  // namespace sim
