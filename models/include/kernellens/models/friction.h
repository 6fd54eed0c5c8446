#pragma once
// Thread-level friction over the store: message scores (friction_messages, written by
// kl::friction::scoreStoreMessages in ingest) combined with the thread's structure. Plain
// value structs for the GUI's thread list and reader, and report objects for the CLI/exports.
// Method and weights: docs/friction.md.

#include <kernellens/index/result.h>
#include <kernellens/models/filter.h>
#include <kernellens/models/report.h>

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl {
class Store;
}

namespace kl::models {

struct FrictionEvidence
{
    qint64 messageId = 0;    // messages.id: the GUI reader opens this message
    QString msgid;
    QString author;
    QDateTime date;
    QString sentence;
    QString signal;          // lexicon phrase, "NAK", "Nacked-by", "shouting", "model"
    QString category;        // rejection, nak, shouting, mocking, ..., incivility
    double weight = 0;
    qsizetype start = 0;     // span in the message's own_text, for highlighting
    qsizetype length = 0;
};

struct FrictionParticipant
{
    qint64 personId = 0;
    QString name;
    QString email;
    int messages = 0;
    int uncivilMessages = 0;
    bool secondLanguage = false; // authored patches or commits touching second-language files
    bool maintainer = false;     // MAINTAINERS M: of a touched file, or sends "applied" notices
};

struct FrictionThread
{
    qint64 threadId = 0;
    QString list;
    QString subject;
    QString rootMsgid;
    QDateTime firstDate;
    QDateTime lastDate;
    int messages = 0;
    int maxDepth = 0;
    double score = 0;             // see docs/friction.md; >= 1 means "friction thread"
    bool isFriction = false;
    int uncivilMessages = 0;
    double maxMessageScore = 0;
    int naks = 0;
    int refusals = 0;             // explicit refusal phrases (not NAKs)
    int shoutingMessages = 0;
    int escalation = 0;           // replies back and forth within the most active pair
    QString escalationPair;       // "A <-> B"
    double sizeRatio = 0;         // messages / median thread size of the list
    bool secondLanguage = false;  // patches touch second-language files, or a rust subject prefix
    bool languagesMeet = false;   // second-language and C-only participants both write
    int maintainers = 0;          // participating maintainers
    QString outcome;              // "applied", "not applied", "discussion"
    QStringList categories;       // incivility categories seen, most frequent first
    QStringList reasons;          // one human-readable line per signal that contributed
    QList<FrictionParticipant> participants;
    QList<FrictionEvidence> evidence; // the sentences that fired, in thread order
};

struct FrictionTrendPoint
{
    QString month;                // "2024-05"
    int threads = 0;
    int frictionThreads = 0;
    int secondLanguageThreads = 0;
    int secondLanguageFrictionThreads = 0;
};

// Threads ranked by score, at most filter.top (0 = all), filtered by list and by the thread's
// first date. The store must hold scored messages (run kl::friction::scoreStoreMessages first).
Result<QList<FrictionThread>> frictionThreads(Store &store, const Filter &filter);
// Per month of a thread's first message: all threads and friction threads, overall and among
// second-language threads.
Result<QList<FrictionTrendPoint>> frictionTrend(Store &store, const Filter &filter);

report::Table frictionThreadTable(const QList<FrictionThread> &threads);
report::Table frictionTrendTable(const QList<FrictionTrendPoint> &trend);
// The months from the first to the last of `trend`, quiet months (no thread) included, so a
// month axis is even.
QList<FrictionTrendPoint> filledMonths(const QList<FrictionTrendPoint> &trend);
// Months pooled by the share chart: 3 when the median month has fewer than
// kFrictionDenseMonthThreads threads (one thread then swings the share by tens of percent), else 1.
constexpr int kFrictionDenseMonthThreads = 20;
int frictionShareWindow(const QList<FrictionTrendPoint> &months);
// Friction threads per month (all and second-language), with the top five friction threads of
// `threads` (ranked) as marks on their first month, their subjects as hover text.
report::Chart frictionCountChart(const QList<FrictionTrendPoint> &trend, const QList<FrictionThread> &threads);
// Share of friction threads, pooled over frictionShareWindow months (friction threads over all
// threads of the window, not a mean of shares). The second-language share is drawn only where
// its window holds at least 5 second-language threads.
report::Chart frictionTrendChart(const QList<FrictionTrendPoint> &trend);

// The ranked table, the monthly trend table, and the count and share charts.
Result<report::Section> frictionSection(Store &store, const Filter &filter);

} // namespace kl::models
