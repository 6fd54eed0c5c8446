#pragma once
// What the store holds, read on a worker thread into a value: sources with their watermarks,
// headline counts, lists and releases for the filter bar and pickers.

#include <kernellens/index/result.h>
#include <kernellens/index/store.h>

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace kl::gui {

struct SourceInfo
{
    qint64 id = 0;
    QString kind;
    QString location;
    QString label;
    QDateTime addedAt;
    QDateTime lastRunAt;
    QMap<QString, QString> watermarks;
    qint64 warnings = 0;
};

struct StoreOverview
{
    bool exists = false;          // false: nothing ingested yet (no store directory)
    QString directory;
    QList<SourceInfo> sources;
    QStringList lists;
    QStringList releases;         // in version order
    QStringList subsystems;
    qint64 messages = -1;         // -1: the table is not there
    qint64 threads = -1;
    qint64 patches = -1;
    qint64 patchSets = -1;        // series_review: patch sets the derive stage followed
    qint64 patchSetsMerged = -1;
    qint64 commits = -1;
    qint64 persons = -1;
    qint64 warnings = -1;
    QDateTime firstMessage;
    QDateTime lastMessage;
};

Result<StoreOverview> loadStoreOverview(const QString &storeDirectory);

} // namespace kl::gui
