#pragma once
// Ctrl-C (SIGINT), SIGTERM or SIGHUP during `crmsim run` still stops the run
// at once, with the signal's usual exit status, but first says where the
// finished runs are and how to continue them: without it an interrupted
// experiment left only an OUT.partial/ folder and silence.
#include <string>

namespace experiments::cli {

// From now on, those signals print the notice for `partial_folder` (if it
// exists by then) and end the process as the signal would have.
void announce_interrupts(const std::string& partial_folder);

}  // namespace experiments::cli
