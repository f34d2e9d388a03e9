#include "experiments/cli/InterruptNotice.hpp"

#include <signal.h>
#include <unistd.h>

#include <cstring>

namespace experiments::cli {
namespace {

// A signal handler may only call async-signal-safe functions (write, access,
// raise), so the message and the path are prepared beforehand.
char g_folder[4096];
char g_notice[4096 + 256];
std::size_t g_notice_length = 0;

void on_interrupt(int signal) {
    // SA_RESETHAND has restored the default action: raise() ends the process
    // as the signal would have (exit status 128 + signal for the shell).
    if (::access(g_folder, F_OK) == 0) {
        const ssize_t written = ::write(STDERR_FILENO, g_notice, g_notice_length);
        (void)written;
    }
    ::raise(signal);
}

}  // namespace

void announce_interrupts(const std::string& partial_folder) {
    if (partial_folder.size() >= sizeof g_folder) return;  // no notice rather than a wrong one
    std::memcpy(g_folder, partial_folder.c_str(), partial_folder.size() + 1);
    const std::string notice = "\ncrmsim: interrupted; the finished runs are kept in " + partial_folder +
                               "; run the same command with --resume to continue\n";
    std::memcpy(g_notice, notice.data(), notice.size());
    g_notice_length = notice.size();
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
        // A signal the caller ignores stays ignored: under nohup, or in a
        // shell script's background job, it was never meant to stop the run.
        struct sigaction current {};
        if (sigaction(signal, nullptr, &current) == 0 && current.sa_handler == SIG_IGN) continue;
        sigaction(signal, &action, nullptr);
    }
}

}  // namespace experiments::cli
