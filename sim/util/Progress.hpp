#pragma once
// Progress with an ETA for long runs, redrawn in place on a terminal at most
// a few times a second, and silent when stderr is not a terminal (logs and
// CI stay clean).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace sim {

class Progress {
public:
    // `enabled` false makes every call a no-op.
    Progress(std::uint64_t total, std::string unit, bool enabled, std::FILE* out = stderr);
    // True when stderr is an interactive terminal.
    static bool stderr_is_terminal();

    void set_label(std::string label) { label_ = std::move(label); }
    void update(std::uint64_t done);
    void finish();  // clears the line

private:
    void draw(std::uint64_t done, double elapsed);

    std::uint64_t total_;
    std::string unit_;
    std::string label_;
    bool enabled_;
    std::FILE* out_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_;
    bool drawn_ = false;
};

// "1:02:03", "4:05" or "12s".
std::string format_duration(double seconds);

}  // namespace sim
