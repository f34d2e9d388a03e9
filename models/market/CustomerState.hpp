#pragma once
// Customer state as structure of arrays, each column one entry of
// CRMSIM_CUSTOMER_COLUMNS below.
#include "models/market/CustomerStatus.hpp"
#include "sim/population/AgentValue.hpp"
#include "sim/population/Column.hpp"

#include <cstdint>

namespace models {

// The traits drawn once per customer, each written once: from this list
// come CustomerTraitValues' members (each a value shared by everyone until
// its distribution varies, then a column) and its bytes().
//   TRAIT(type, name, shared)  `shared`: everyone's value until drawn.
// clang-format off
#define CRMSIM_CUSTOMER_TRAITS(TRAIT)                                                                                \
    TRAIT(float, cost_to_serve, 0.0f)                                                                               \
    TRAIT(float, complaint_propensity, 1.0f)                                                                        \
    TRAIT(float, talkativeness, 1.0f)                                                                               \
    TRAIT(float, price_sensitivity, 1.0f)                                                                           \
    TRAIT(float, purchase_rate, 1.0f)        /* purchases per tick (Poisson processes) */                           \
    TRAIT(float, no_purchase, 0.0f)          /* exp(-purchase_rate): P(no purchase in a whole tick) */              \
    TRAIT(float, dropout, 0.0f)              /* Pareto/NBD rate or BG/NBD probability */                            \
    TRAIT(std::uint8_t, flags, 0)            /* CustomerFlag bits */
// clang-format on

struct CustomerTraitValues {
#define CRMSIM_CUSTOMER_TRAIT_MEMBER(type, name, shared) sim::AgentValue<type> name{shared};
    CRMSIM_CUSTOMER_TRAITS(CRMSIM_CUSTOMER_TRAIT_MEMBER)
#undef CRMSIM_CUSTOMER_TRAIT_MEMBER

#define CRMSIM_CUSTOMER_TRAIT_BYTES(type, name, shared) +name.bytes()
    std::size_t bytes() const {
        return 0 CRMSIM_CUSTOMER_TRAITS(CRMSIM_CUSTOMER_TRAIT_BYTES);
    }
#undef CRMSIM_CUSTOMER_TRAIT_BYTES
};

// The customer state's columns, each written once: from this list come
// CustomerState's columns (allocated with their initial value), its
// bytes(), CustomerColumns' pointers and, for SNAPSHOT entries, the
// per-customer snapshot (/runs/<id>/snapshots/tick_<t>, Market::snapshot).
// Kinds of entry:
//   SNAPSHOT(type, name, initial, unit, description)  state kept between
//       ticks and written in snapshots, in this order;
//   STATE(type, name, initial)    state kept between ticks, not in snapshots;
//   OPTIONAL(type, name)          state kept only when some mechanism needs
//       it (empty otherwise: allocated by the market; its pointer is null);
//   SCRATCH(type, name, initial)  written during a tick's decide phase and
//       consumed by its apply phase (the double buffer that keeps every
//       decision reading start-of-tick state).
// A new column: one entry here (and its logic where it is used); the tests
// that compare paths, widths and thread counts then compare it too
// (tests/support/SameCustomers.hpp iterates this list and the traits').
// clang-format off
#define CRMSIM_CUSTOMER_COLUMNS(SNAPSHOT, STATE, OPTIONAL, SCRATCH)                                                    \
    SNAPSHOT(std::uint8_t, firm, 0, "1", "the customer's firm (index into the firms list; 255: none)")              \
    SNAPSHOT(double, satisfaction, 0.0, "1", "the customer's satisfaction [0, 1]")                                  \
    SNAPSHOT(double, spend, 0.0, "currency units", "the customer's spend level per purchase")                       \
    SNAPSHOT(std::uint8_t, status, 0, "1", "0 prospect, 1 active, 2 dormant, 3 lapsed, 4 terminated")               \
    SNAPSHOT(std::uint8_t, stage, 0, "1", "ladder stage: 0 prospect, 1 customer, 2 client, 3 advocate, 4 partner")  \
    SNAPSHOT(float, expectation, 0.0f, "1", "the customer's expectation [0, 1]")                                    \
    SNAPSHOT(std::uint32_t, since, 0, "tick",                                                                       \
             "first tick with the current firm (or of having none); tenure after tick t is t + 1 - since")           \
    STATE(std::uint32_t, purchases, 0)        /* frequency: purchases from the current firm */                      \
    STATE(std::uint32_t, last_purchase, 0)    /* recency: tick of the last purchase + 1 (0: none) */                \
    STATE(float, monetary, 0.0f)              /* spend with the current firm so far */                              \
    STATE(std::uint8_t, failures, 0)          /* failures met with the current firm (saturates at 255) */           \
    STATE(std::uint8_t, last_firm, kNoFirm)   /* the firm most recently left, kNoFirm if none */                    \
    STATE(std::uint32_t, tarp_opened, 0)      /* tick of the failure under TARP observation */                      \
    STATE(std::uint8_t, tarp_group, 0xFF)     /* its tarp_group(severity, outcome), or kNotObserved (0xFF) */       \
    /* Network neighbours who buy from some firm (network acquisition influence only). */                          \
    OPTIONAL(std::uint32_t, adopted_neighbours)                                                                     \
    /* Targeted by the current firm's strategies, as decided at its last review (bits; */                          \
    /* kept only when some firm targets part of its customers). */                                                  \
    OPTIONAL(std::uint8_t, member)                                                                                  \
    SCRATCH(std::uint8_t, next_firm, 0)       /* firm after this tick (differs if switching, kNoFirm if leaving) */  \
    SCRATCH(double, next_satisfaction, 0.0)   /* satisfaction after the encounter, before stories */                \
    SCRATCH(std::uint8_t, outcome, 0)         /* models::Outcome of this tick's encounter */                        \
    /* Net stories heard about own firm (+ positive, - negative); for someone with no firm, */                     \
    /* positive stories heard. */                                                                                   \
    SCRATCH(std::int32_t, stories, 0)
// clang-format on

#define CRMSIM_CUSTOMER_NONE(...)
#define CRMSIM_CUSTOMER_MEMBER(type, name, ...) sim::Column<type> name;
#define CRMSIM_CUSTOMER_POINTER(type, name, ...) type* name;

// Customer state as structure of arrays (CRMSIM_CUSTOMER_COLUMNS), plus the
// traits drawn once per customer. State that no other customer reads during
// a tick (stage, RFM counters, expectation) is updated in place by its
// owner's decision.
struct CustomerState {
#define CRMSIM_CUSTOMER_ALLOCATE(type, name, initial, ...) name = sim::Column<type>(#name, n, initial);
    explicit CustomerState(std::uint32_t n){CRMSIM_CUSTOMER_COLUMNS(CRMSIM_CUSTOMER_ALLOCATE, CRMSIM_CUSTOMER_ALLOCATE,
                                                                    CRMSIM_CUSTOMER_NONE, CRMSIM_CUSTOMER_ALLOCATE)}
#undef CRMSIM_CUSTOMER_ALLOCATE

    std::uint32_t size() const {
        return static_cast<std::uint32_t>(firm.size());
    }
#define CRMSIM_CUSTOMER_BYTES(type, name, ...) +name.bytes()
    std::size_t bytes() const {
        return traits.bytes() CRMSIM_CUSTOMER_COLUMNS(CRMSIM_CUSTOMER_BYTES, CRMSIM_CUSTOMER_BYTES,
                                                      CRMSIM_CUSTOMER_BYTES, CRMSIM_CUSTOMER_BYTES);
    }
#undef CRMSIM_CUSTOMER_BYTES

    CRMSIM_CUSTOMER_COLUMNS(CRMSIM_CUSTOMER_MEMBER, CRMSIM_CUSTOMER_MEMBER, CRMSIM_CUSTOMER_MEMBER,
                            CRMSIM_CUSTOMER_MEMBER)
    CustomerTraitValues traits;
};

// The columns as raw pointers, taken once per chunk of work. Hot loops index
// these rather than the Column objects: a byte store may alias anything, so
// through the objects every store would make the compiler reload every
// column's address. An OPTIONAL column not kept is null.
struct CustomerColumns {
#define CRMSIM_CUSTOMER_DATA(type, name, ...) name = c.name.data();
#define CRMSIM_CUSTOMER_OPTIONAL_DATA(type, name) name = c.name.size() ? c.name.data() : nullptr;
    explicit CustomerColumns(CustomerState& c){CRMSIM_CUSTOMER_COLUMNS(CRMSIM_CUSTOMER_DATA, CRMSIM_CUSTOMER_DATA,
                                                                       CRMSIM_CUSTOMER_OPTIONAL_DATA,
                                                                       CRMSIM_CUSTOMER_DATA)}
#undef CRMSIM_CUSTOMER_DATA
#undef CRMSIM_CUSTOMER_OPTIONAL_DATA

    CRMSIM_CUSTOMER_COLUMNS(CRMSIM_CUSTOMER_POINTER, CRMSIM_CUSTOMER_POINTER, CRMSIM_CUSTOMER_POINTER,
                            CRMSIM_CUSTOMER_POINTER)
};

}  // namespace models
