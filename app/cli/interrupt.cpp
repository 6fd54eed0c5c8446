#include "interrupt.h"

#include <kernellens/models/visible_text.h>

#include <atomic>
#include <csignal>
#include <cstring>

#include <unistd.h>

namespace kl::cli {

namespace {

constexpr int kExitInterrupted = 130;

// The handler can only reach the token through a static; set once, for this process's one job.
const CancelToken *g_token = nullptr;
std::atomic_int g_interrupts{0};

// The second interrupt's message is prepared ahead in one of two buffers, since a signal handler
// may not format or allocate; the writer fills the idle buffer, then publishes it.
struct Note
{
    char text[768] = {};
    size_t size = 0;
};
Note g_notes[2];
std::atomic_int g_activeNote{0};

const char kFirst[] = "\nkernellens-cli: stopping; press Ctrl-C again to stop at once\n";
const char kResume[] = "Everything committed before is kept; the work since the last commit is not. "
                       "Rerun the same command to resume.\n";

void publish(const QByteArray &line)
{
    const int idle = 1 - g_activeNote.load(std::memory_order_acquire);
    Note &note = g_notes[idle];
    const QByteArray text = line + kResume;
    note.size = std::min(sizeof note.text, size_t(text.size()));
    std::memcpy(note.text, text.constData(), note.size);
    g_activeNote.store(idle, std::memory_order_release);
}

void writeAll(const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(STDERR_FILENO, data, size);
        if (n <= 0)
            return;
        data += n;
        size -= size_t(n);
    }
}

extern "C" void onInterrupt(int)
{
    if (g_interrupts.fetch_add(1) > 0) {
        const Note &note = g_notes[g_activeNote.load(std::memory_order_acquire)];
        writeAll(note.text, note.size);
        _exit(kExitInterrupted);
    }
    writeAll(kFirst, sizeof kFirst - 1);
    if (g_token)
        g_token->cancel();
}

} // namespace

void installInterruptHandler(const CancelToken &token)
{
    publish("\nkernellens-cli: stopped at once. ");
    g_token = &token;
    struct sigaction action = {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

void removeInterruptHandler()
{
    // The job is over and the process is closing its store: an interrupt now (a second Ctrl-C
    // that came late) must not kill it mid-close nor change the exit status the job chose.
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    g_token = nullptr;
}

void noteInterruptPhase(const Progress &progress)
{
    QString where = QStringLiteral("\nkernellens-cli: stopped at once during \"%1\"")
                        .arg(report::visibleText(progress.phase.left(200)));
    if (progress.done > 0 && progress.total > 0)
        where += QStringLiteral(" at %1 of %2 %3").arg(progress.done).arg(progress.total).arg(progress.unit);
    else if (progress.done > 0)
        where += QStringLiteral(" at %1 %2").arg(progress.done).arg(progress.unit);
    publish(where.toUtf8() + ". ");
}

} // namespace kl::cli
