#pragma once
// A synthetic long-history store for bench/gui: one git source with hundreds of release tags
// (feature releases vX.Y, stable vX.Y.1–.4 and one -rc per feature), commits spread over them
// with a growing author pool and a second language arriving midway, and a mailing list with a
// million messages in threads (patches and friction scores on a share of them). Written through
// the index library (Store, ensureSource, identity, prepared statements) into a directory the
// caller chooses; never committed. Synthetic because ingesting a million real messages takes
// hours on the build machine (see README.md).

#include <kernellens/index/result.h>

#include <QString>

namespace kl::bench {

struct SyntheticSpec
{
    int featureReleases = 110;   // each with one -rc and four stable tags: 110 x 6 = 660 tags
    int commits = 200000;
    int authors = 6000;
    qint64 messages = 1000000;
    int messagesPerThread = 8;   // on average
    int years = 20;              // the history ends on 2026-07-15
};

struct SyntheticSummary
{
    qint64 releases = 0;
    qint64 commits = 0;
    qint64 messages = 0;
    qint64 threads = 0;
    qint64 patches = 0;
    double seconds = 0;
};

// Creates `directory` (it must not hold a store yet) and fills it.
Result<SyntheticSummary> buildSyntheticStore(const QString &directory, const SyntheticSpec &spec);

} // namespace kl::bench
