#pragma once
// Ctrl-C for kernellens-cli. The first interrupt trips the job's cancel token: every phase checks
// it (and long SQLite statements stop through Database::watchCancel), so the command ends within
// a second, keeping what it committed. A second interrupt stops at once and says what it left.

#include <kernellens/index/job.h>

#include <QString>

namespace kl::cli {

// Installs the SIGINT/SIGTERM handler for the one job this process runs.
void installInterruptHandler(const CancelToken &token);
// After the job: interrupts are ignored while the process closes the store and exits.
void removeInterruptHandler();

// What a second Ctrl-C would leave undone: the phase in progress. Called by the progress sink;
// cheap, and safe to call from any one thread.
void noteInterruptPhase(const Progress &progress);

} // namespace kl::cli
