#include "sim/util/Progress.hpp"

#include <unistd.h>

#include <cmath>

namespace sim {

Progress::Progress(std::uint64_t total, std::string unit, bool enabled, std::FILE* out)
    : total_(total),
      unit_(std::move(unit)),
      enabled_(enabled),
      out_(out),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

bool Progress::stderr_is_terminal() {
    return isatty(STDERR_FILENO) == 1;
}

void Progress::update(std::uint64_t done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && done < total_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
    last_draw_ = now;
    draw(done, std::chrono::duration<double>(now - start_).count());
}

void Progress::draw(std::uint64_t done, double elapsed) {
    const double share = total_ ? static_cast<double>(done) / static_cast<double>(total_) : 1.0;
    std::string eta = "--";
    if (done > 0 && done < total_) eta = format_duration(elapsed * (1.0 - share) / share);
    if (done >= total_) eta = "done";
    std::fprintf(out_, "\r\033[K%s%3.0f%%  %llu/%llu %s  elapsed %s  ETA %s", label_.c_str(), 100.0 * share,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), unit_.c_str(),
                 format_duration(elapsed).c_str(), eta.c_str());
    std::fflush(out_);
    drawn_ = true;
}

void Progress::finish() {
    if (!enabled_ || !drawn_) return;
    std::fprintf(out_, "\r\033[K");
    std::fflush(out_);
    drawn_ = false;
}

std::string format_duration(double seconds) {
    const auto s = static_cast<long long>(std::llround(seconds));
    char buffer[32];
    if (s >= 3600)
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else if (s >= 60)
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld", s / 60, s % 60);
    else
        std::snprintf(buffer, sizeof buffer, "%llds", s);
    return buffer;
}

}  // namespace sim
