#include <kernellens/models/adoption.h>

#include "git_facts.h"
#include "src/release_view.h"
#include "src/primary_source.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace kl::models {

namespace gitfacts {

Result<GitSource> primarySource(Database &db)
{
    auto exists = tableExists(db, QStringLiteral("commits"));
    if (!exists)
        return exists.status();
    if (!*exists)
        return Status::error(QStringLiteral("the store has no git history; run `kernellens-cli ingest git SOURCE` first"));
    GitSource source;
    KL_TRY(forEachRow(db, QString(QStringLiteral(
        "SELECT s.id, s.location, coalesce(g.second_language, 'Rust')"
        " FROM sources s LEFT JOIN git_settings g ON g.source_id = s.id"
        " WHERE s.id = ") + primaryGitSourceSql()), {},
        [&](Statement &row) {
            source.id = row.int64(0);
            source.location = row.text(1);
            source.secondLanguage = row.text(2);
        }));
    if (source.id == 0)
        return Status::error(QStringLiteral("the store has no git source; run `kernellens-cli ingest git SOURCE` first"));
    return source;
}

Result<bool> tableExists(Database &db, const QString &name)
{
    return db.hasTable(name);
}

} // namespace gitfacts

namespace {

const QString kC = QStringLiteral("C");

using Release = ShownRelease;

QDate dateOf(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).date();
}

QString monthOf(qint64 seconds)
{
    return dateOf(seconds).toString(QStringLiteral("yyyy-MM"));
}

bool inRange(const QDate &d, const Filter &f)
{
    return (!f.since.isValid() || d >= f.since.addDays(-31)) && (!f.until.isValid() || d <= f.until);
}

double share(const QMap<QString, LanguageTotals> &langs, const QString &second)
{
    const double s = double(langs.value(second).lines);
    const double c = double(langs.value(kC).lines);
    return s + c > 0 ? s / (s + c) : qQNaN();
}

} // namespace

Result<AdoptionResult> adoption(Store &store, const Filter &filter)
{
    Database &db = store.db();
    auto source = gitfacts::primarySource(db);
    if (!source)
        return source.status();
    AdoptionResult result;
    result.sourceId = source->id;
    result.sourceLocation = source->location;
    result.secondLanguage = source->secondLanguage;
    result.subsystem = filter.subsystem;
    const QString second = result.secondLanguage;
    const qint64 sid = source->id;

    // The releases shown (feature releases by default); commits of the others count under theirs.
    auto view = ReleaseView::load(db, sid, filter.releases);
    if (!view)
        return view.status();
    const QList<Release> &releases = view->shown();
    QHash<qint64, int> releaseIndex;
    for (int i = 0; i < releases.size(); ++i)
        releaseIndex.insert(releases[i].id, i);
    result.releasesShown = int(releases.size());
    result.releasesTotal = view->totalReleases();
    result.featureReleases = filter.releases == ReleaseSet::Feature && view->classified();

    // Release trees with files whose blob was missing: their files and lines are too low.
    KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
        "SELECT r.tag, s.missing_files, s.files FROM release_snapshots s JOIN releases r ON r.id = s.release_id"
        " WHERE r.source_id = ? AND s.missing_files > 0 ORDER BY r.ordinal"), {sid},
        [&](Statement &row) {
            result.incomplete.append(QStringLiteral("Incomplete: the %1 tree has %2 of %3 files whose blob is missing; "
                                                    "their lines are not counted.")
                                         .arg(row.text(0)).arg(row.int64(1)).arg(row.int64(2)));
        }));

    // Subsystem basis: MAINTAINERS when the coverage analysis stored path -> sections.
    bool maintainers = false;
    {
        auto has = gitfacts::tableExists(db, QStringLiteral("maint_path_sections"));
        if (!has)
            return has.status();
        if (*has) {
            auto any = db.scalar(QStringLiteral(
                "SELECT count(*) FROM maint_path_sections WHERE release_id IN (SELECT id FROM releases WHERE source_id = ?)"), {sid});
            if (!any)
                return any.status();
            maintainers = any->toLongLong() > 0;
        }
    }
    result.subsystemBasis = maintainers ? QStringLiteral("MAINTAINERS") : QStringLiteral("top-level directory");
    const bool bySubsystem = !filter.subsystem.isEmpty();
    if (bySubsystem && maintainers) {
        auto known = db.scalar(QStringLiteral(
            "SELECT count(*) FROM maint_sections WHERE (name = ?1 OR subsystem = ?1)"
            " AND release_id IN (SELECT id FROM releases WHERE source_id = ?2)"), {filter.subsystem, sid});
        if (!known)
            return known.status();
        if (known->toLongLong() == 0)
            return Status::error(QStringLiteral("no MAINTAINERS section or subsystem named \"%1\"").arg(filter.subsystem));
    }
    // SQL restricting git_paths p to the subsystem (parameter ?3).
    const QString pathInSubsystem = !bySubsystem ? QStringLiteral("1")
        : maintainers ? QStringLiteral(
              "p.path IN (SELECT mp.path FROM maint_path_sections mps JOIN maint_paths mp ON mp.id = mps.path_id"
              " JOIN maint_sections s ON s.id = mps.section_id WHERE (s.name = ?3 OR s.subsystem = ?3)"
              " AND mps.release_id IN (SELECT id FROM releases WHERE source_id = ?1))")
                      : QStringLiteral("p.top = ?3");
    const QVariant subsystemParam = bySubsystem ? QVariant(filter.subsystem) : QVariant(QStringLiteral("-"));

    // Trees: files and lines per language per release.
    QHash<qint64, QMap<QString, LanguageTotals>> trees;
    QHash<QString, qint64> languageLines;
    if (!bySubsystem) {
        KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
            "SELECT st.release_id, st.language, sum(st.files), sum(st.lines) FROM release_stats st"
            " JOIN releases r ON r.id = st.release_id WHERE r.source_id = ?1 AND ?2 = ?2 AND ?3 = ?3"
            " GROUP BY st.release_id, st.language"), {sid, second, subsystemParam},
            [&](Statement &row) {
                trees[row.int64(0)][row.text(1)] = LanguageTotals{row.int64(2), row.int64(3)};
                languageLines[row.text(1)] += row.int64(3);
            }));
    } else if (!maintainers) {
        KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
            "SELECT st.release_id, st.language, sum(st.files), sum(st.lines) FROM release_stats st"
            " JOIN releases r ON r.id = st.release_id WHERE r.source_id = ?1 AND ?2 = ?2 AND st.top = ?3"
            " GROUP BY st.release_id, st.language"), {sid, second, subsystemParam},
            [&](Statement &row) {
                trees[row.int64(0)][row.text(1)] = LanguageTotals{row.int64(2), row.int64(3)};
                languageLines[row.text(1)] += row.int64(3);
            }));
    } else {
        KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
            "SELECT rf.release_id, p.language, count(*), sum(b.lines) FROM release_files rf"
            " JOIN git_paths p ON p.id = rf.path_id JOIN git_blobs b ON b.id = rf.blob_id"
            " WHERE rf.release_id IN (SELECT id FROM releases WHERE source_id = ?1) AND ?2 = ?2 AND rf.path_id IN ("
            "   SELECT p2.id FROM maint_path_sections mps JOIN maint_paths mp ON mp.id = mps.path_id"
            "   JOIN git_paths p2 ON p2.path = mp.path JOIN maint_sections s ON s.id = mps.section_id"
            "   WHERE mps.release_id = rf.release_id AND (s.name = ?3 OR s.subsystem = ?3))"
            " GROUP BY rf.release_id, p.language"), {sid, second, subsystemParam},
            [&](Statement &row) {
                trees[row.int64(0)][row.text(1)] = LanguageTotals{row.int64(2), row.int64(3)};
                languageLines[row.text(1)] += row.int64(3);
            }));
    }
    {
        QStringList langs = languageLines.keys();
        std::sort(langs.begin(), langs.end(), [&](const QString &a, const QString &b) {
            auto rank = [&](const QString &l) { return l == second ? 0 : l == kC ? 1 : l == QLatin1String("Other") ? 3 : 2; };
            if (rank(a) != rank(b))
                return rank(a) < rank(b);
            return languageLines.value(a) > languageLines.value(b);
        });
        if (!langs.contains(second))
            langs.prepend(second);
        result.languages = langs;
    }

    // Commits touching the second language (inside the subsystem), in landing order.
    struct Touch
    {
        qint64 person;
        qint64 time;
        qint64 release;
        qint64 added, deleted;
        bool unknownLines;   // a file row of it has unknown counts (missing blob)
    };
    QList<Touch> touches;
    KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
        "SELECT c.author_person, c.commit_time, coalesce(c.release_id, 0), sum(coalesce(f.added, 0)), sum(coalesce(f.deleted, 0)),"
        " max(f.unknown)"
        // Fixed join order, as in onboarding: second-language paths first (see there).
        " FROM git_paths p CROSS JOIN commit_files f ON f.path_id = p.id CROSS JOIN commits c ON c.id = f.commit_id"
        " WHERE c.source_id = ?1 AND p.language = ?2 AND %1"
        " GROUP BY c.id ORDER BY c.commit_time").arg(pathInSubsystem), {sid, second, subsystemParam},
        [&](Statement &row) {
            touches.append(Touch{row.int64(0), row.int64(1), view->rollup(row.int64(2)), row.int64(3), row.int64(4), row.int64(5) != 0});
        }));
    // All non-merge commits (inside the subsystem) per period, for context.
    QHash<QString, qint64> commitsPerPeriod;
    const bool byMonth = filter.period == Period::Month;
    const QString periodExpr = byMonth ? QStringLiteral("strftime('%Y-%m', c.commit_time, 'unixepoch')")
                                       : QStringLiteral("coalesce(c.release_id, 0)");
    if (!bySubsystem) {
        KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
            "SELECT %1, count(*) FROM commits c WHERE c.source_id = ?1 AND c.parents <= 1 AND ?2 = ?2 AND ?3 = ?3 GROUP BY 1").arg(periodExpr),
            {sid, second, subsystemParam},
            [&](Statement &row) { commitsPerPeriod.insert(row.text(0), row.int64(1)); }));
    } else {
        KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
            "SELECT %1, count(DISTINCT c.id) FROM commit_files f JOIN git_paths p ON p.id = f.path_id"
            " JOIN commits c ON c.id = f.commit_id WHERE c.source_id = ?1 AND ?2 = ?2 AND %2 GROUP BY 1").arg(periodExpr, pathInSubsystem),
            {sid, second, subsystemParam},
            [&](Statement &row) { commitsPerPeriod.insert(row.text(0), row.int64(1)); }));
    }

    if (!byMonth) {
        // Commits first released in a maintenance release or candidate count under its feature release.
        QHash<QString, qint64> rolled;
        for (auto it = commitsPerPeriod.cbegin(); it != commitsPerPeriod.cend(); ++it)
            rolled[QString::number(view->rollup(it.key().toLongLong()))] += it.value();
        commitsPerPeriod = rolled;
    }

    // Periods.
    QList<AdoptionPeriod> periods;
    QHash<QString, int> periodIndex;
    auto periodKeyOfTouch = [&](const Touch &t) {
        return byMonth ? monthOf(t.time) : QString::number(t.release);
    };
    if (!byMonth) {
        for (const Release &r : releases) {
            if (!inRange(r.date, filter))
                continue;
            AdoptionPeriod p;
            p.period = r.tag;
            p.date = r.date;
            if (trees.contains(r.id)) {
                p.snapshotRelease = r.tag;
                p.languages = trees.value(r.id);
                p.share = share(p.languages, second);
            }
            p.commits = commitsPerPeriod.value(QString::number(r.id));
            periodIndex.insert(QString::number(r.id), int(periods.size()));
            periods.append(p);
        }
        if (commitsPerPeriod.value(QStringLiteral("0")) > 0 && !filter.until.isValid()) {
            AdoptionPeriod p;
            p.period = QStringLiteral("(unreleased)");
            p.commits = commitsPerPeriod.value(QStringLiteral("0"));
            periodIndex.insert(QStringLiteral("0"), int(periods.size()));
            periods.append(p);
        }
    } else {
        QStringList months = commitsPerPeriod.keys();
        for (const Touch &t : touches)
            months.append(monthOf(t.time));
        std::sort(months.begin(), months.end());
        months.erase(std::unique(months.begin(), months.end()), months.end());
        if (!months.isEmpty()) {
            QDate d = QDate::fromString(months.first() + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd"));
            const QDate last = QDate::fromString(months.last() + QStringLiteral("-01"), QStringLiteral("yyyy-MM-dd"));
            for (; d.isValid() && d <= last; d = d.addMonths(1)) {
                if ((filter.since.isValid() && d.addMonths(1) <= filter.since) || (filter.until.isValid() && d > filter.until))
                    continue;
                AdoptionPeriod p;
                p.period = d.toString(QStringLiteral("yyyy-MM"));
                p.date = d;
                // The tree of the latest release published by the end of the month.
                const QDate end = d.addMonths(1).addDays(-1);
                for (const Release &r : releases) {
                    if (r.date <= end && trees.contains(r.id)
                        && (p.snapshotRelease.isEmpty() || r.date >= QDate::fromString(p.snapshotRelease.section(QLatin1Char('@'), 1), Qt::ISODate)))
                        p.snapshotRelease = r.tag + QLatin1Char('@') + r.date.toString(Qt::ISODate);
                }
                if (!p.snapshotRelease.isEmpty()) {
                    const QString tag = p.snapshotRelease.section(QLatin1Char('@'), 0, 0);
                    for (const Release &r : releases)
                        if (r.tag == tag)
                            p.languages = trees.value(r.id);
                    p.snapshotRelease = tag;
                    p.share = share(p.languages, second);
                }
                p.commits = commitsPerPeriod.value(p.period);
                periodIndex.insert(p.period, int(periods.size()));
                periods.append(p);
            }
        }
    }

    // Commit figures per period, and first-time second-language authors.
    QHash<int, QSet<qint64>> authors;
    QHash<qint64, QPair<qint64, qint64>> firstOf;   // person -> (release ordinal or time, key)
    for (const Touch &t : touches) {
        const QString key = periodKeyOfTouch(t);
        if (auto it = periodIndex.constFind(key); it != periodIndex.cend()) {
            AdoptionPeriod &p = periods[*it];
            p.secondCommits += 1;
            p.secondLinesAdded += t.added;
            p.secondLinesDeleted += t.deleted;
            p.secondCommitsUnknownLines += t.unknownLines ? 1 : 0;
            authors[*it].insert(t.person);
        }
        // Order: release ordinal for releases (unreleased last), landing time for months.
        const qint64 order = byMonth ? t.time
                                     : (t.release == 0 ? std::numeric_limits<qint64>::max()
                                                       : qint64(releases.value(releaseIndex.value(t.release, -1)).ordinal));
        auto f = firstOf.find(t.person);
        if (f == firstOf.end() || order < f->first)
            firstOf.insert(t.person, {order, byMonth ? t.time : t.release});
    }
    for (auto it = authors.cbegin(); it != authors.cend(); ++it)
        periods[it.key()].secondAuthors = it.value().size();
    for (auto it = firstOf.cbegin(); it != firstOf.cend(); ++it) {
        const QString key = byMonth ? monthOf(it.value().second) : QString::number(it.value().second);
        if (auto p = periodIndex.constFind(key); p != periodIndex.cend())
            periods[*p].firstTimeSecondAuthors += 1;
    }
    result.periods = periods;

    // Per subsystem, per release: the subsystems where the second language is present.
    {
        QHash<QPair<qint64, QString>, SubsystemAdoption> rows;
        auto add = [&](qint64 release, const QString &subsystem, const QString &language, qint64 files, qint64 lines) {
            auto &row = rows[{release, subsystem}];
            row.subsystem = subsystem;
            row.release = releases.value(releaseIndex.value(release, -1)).tag;
            (language == second ? row.second : row.c) = LanguageTotals{files, lines};
        };
        if (maintainers) {
            KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
                "SELECT t.release_id, t.subsystem, t.language, count(*), sum(t.lines) FROM ("
                " SELECT DISTINCT rf.release_id, s.subsystem, rf.path_id, p.language, b.lines"
                " FROM release_files rf JOIN git_paths p ON p.id = rf.path_id AND p.language IN (?2, 'C')"
                " JOIN git_blobs b ON b.id = rf.blob_id JOIN maint_paths mp ON mp.path = p.path"
                " JOIN maint_path_sections mps ON mps.path_id = mp.id AND mps.release_id = rf.release_id"
                " JOIN maint_sections s ON s.id = mps.section_id"
                " WHERE rf.release_id IN (SELECT id FROM releases WHERE source_id = ?1)) t"
                " GROUP BY t.release_id, t.subsystem, t.language"), {sid, second},
                [&](Statement &row) { add(row.int64(0), row.text(1), row.text(2), row.int64(3), row.int64(4)); }));
        } else {
            KL_TRY(gitfacts::forEachRow(db, QStringLiteral(
                "SELECT st.release_id, st.top, st.language, st.files, st.lines FROM release_stats st"
                " JOIN releases r ON r.id = st.release_id WHERE r.source_id = ?1 AND st.language IN (?2, 'C')"), {sid, second},
                [&](Statement &row) {
                    add(row.int64(0), row.text(1).isEmpty() ? QStringLiteral("(top)") : row.text(1), row.text(2), row.int64(3), row.int64(4));
                }));
        }
        QList<SubsystemAdoption> list;
        for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
            // THE REST is MAINTAINERS' catch-all (F: *): every file is in it, so it says nothing.
            if (it->second.files == 0 || it->subsystem == QLatin1String("THE REST") || !releaseIndex.contains(it.key().first))
                continue;
            if (bySubsystem && it->subsystem != filter.subsystem)
                continue;
            SubsystemAdoption row = it.value();
            const double s = double(row.second.lines), c = double(row.c.lines);
            row.share = s + c > 0 ? s / (s + c) : qQNaN();
            list.append(row);
        }
        QHash<QString, int> tagOrder;
        for (int i = 0; i < releases.size(); ++i)
            tagOrder.insert(releases[i].tag, i);
        std::sort(list.begin(), list.end(), [&](const SubsystemAdoption &a, const SubsystemAdoption &b) {
            if (a.release != b.release)
                return tagOrder.value(a.release) < tagOrder.value(b.release);
            if (a.second.lines != b.second.lines)
                return a.second.lines > b.second.lines;
            return a.subsystem < b.subsystem;
        });
        result.bySubsystem = list;
    }
    return result;
}

report::Section adoptionSection(const AdoptionResult &r, Period period)
{
    using Kind = report::Column::Kind;
    const bool byMonth = period == Period::Month;
    const QString second = r.secondLanguage;
    report::Section section;
    section.id = QStringLiteral("adoption");
    section.title = r.subsystem.isEmpty() ? QStringLiteral("%1 adoption").arg(second)
                                          : QStringLiteral("%1 adoption in %2").arg(second, r.subsystem);
    section.method = QStringLiteral(
        "Files and lines (newline bytes, as wc -l) per language come from the tree at each release tag, "
        "each file classified by the language definitions%1. Share = %2 lines / (%2 + C) lines. "
        "Commits are non-merge commits%3 grouped by the first release containing them (as git describe "
        "--contains) or by the month they were committed; a commit touches %2 when a %2 file has a "
        "numstat row. First-time authors: people (after .mailmap) whose first %2 commit is in the period. "
        "Subsystems: %4.")
        .arg(byMonth ? QStringLiteral("; a month shows the tree of the latest release published by its end") : QString(),
             second,
             r.subsystem.isEmpty() ? QString() : QStringLiteral(" touching the subsystem"),
             r.subsystemBasis)
        + releaseSetNote(r.featureReleases, r.releasesShown, r.releasesTotal);

    report::Table table;
    table.id = byMonth ? QStringLiteral("adoption.by-month") : QStringLiteral("adoption.by-release");
    table.title = byMonth ? QStringLiteral("Adoption per month") : QStringLiteral("Adoption per release");
    table.columns = {
        {byMonth ? QStringLiteral("month") : QStringLiteral("release"), byMonth ? QStringLiteral("Month") : QStringLiteral("Release"), Kind::Text},
        {QStringLiteral("date"), QStringLiteral("Date"), Kind::Date},
        {QStringLiteral("tree"), QStringLiteral("Tree"), Kind::Text},
        {QStringLiteral("second_files"), QStringLiteral("%1 files").arg(second), Kind::Integer},
        {QStringLiteral("second_lines"), QStringLiteral("%1 lines").arg(second), Kind::Integer},
        {QStringLiteral("c_files"), QStringLiteral("C files"), Kind::Integer},
        {QStringLiteral("c_lines"), QStringLiteral("C lines"), Kind::Integer},
        {QStringLiteral("share"), QStringLiteral("%1 share of (%1 + C) lines").arg(second), Kind::Percent},
        {QStringLiteral("commits"), QStringLiteral("Commits"), Kind::Integer},
        {QStringLiteral("second_commits"), QStringLiteral("Commits touching %1").arg(second), Kind::Integer},
        {QStringLiteral("second_authors"), QStringLiteral("Authors touching %1").arg(second), Kind::Integer},
        {QStringLiteral("first_time_second_authors"), QStringLiteral("First-time %1 authors").arg(second), Kind::Integer},
        {QStringLiteral("second_added"), QStringLiteral("%1 lines added").arg(second), Kind::Integer},
        {QStringLiteral("second_deleted"), QStringLiteral("%1 lines deleted").arg(second), Kind::Integer},
    };
    report::Table perLanguage;
    perLanguage.id = byMonth ? QStringLiteral("adoption.languages-by-month") : QStringLiteral("adoption.languages-by-release");
    perLanguage.title = QStringLiteral("Files and lines per language");
    perLanguage.columns = {
        {byMonth ? QStringLiteral("month") : QStringLiteral("release"), byMonth ? QStringLiteral("Month") : QStringLiteral("Release"), Kind::Text},
        {QStringLiteral("language"), QStringLiteral("Language"), Kind::Text},
        {QStringLiteral("files"), QStringLiteral("Files"), Kind::Integer},
        {QStringLiteral("lines"), QStringLiteral("Lines"), Kind::Integer},
    };
    report::Chart lines;
    lines.id = QStringLiteral("adoption.lines");
    lines.title = QStringLiteral("Lines per language");
    lines.kind = report::Chart::Kind::StackedArea;
    lines.xTitle = byMonth ? QStringLiteral("Month") : QStringLiteral("Release");
    lines.yTitle = QStringLiteral("Lines");
    report::Chart shareChart;
    shareChart.id = QStringLiteral("adoption.share");
    shareChart.title = QStringLiteral("%1 share of (%1 + C) lines").arg(second);
    shareChart.kind = report::Chart::Kind::Line;
    shareChart.percent = true;
    shareChart.xTitle = lines.xTitle;
    shareChart.yTitle = QStringLiteral("Share");
    report::Chart people;
    people.id = QStringLiteral("adoption.activity");
    people.title = QStringLiteral("%1 commits and authors").arg(second);
    people.kind = report::Chart::Kind::Bar;
    people.xTitle = lines.xTitle;
    people.yTitle = QStringLiteral("Count");
    report::Series shareSeries{second, {}};
    report::Series commitsSeries{QStringLiteral("Commits touching %1").arg(second), {}};
    report::Series authorsSeries{QStringLiteral("Authors touching %1").arg(second), {}};
    report::Series firstSeries{QStringLiteral("First-time %1 authors").arg(second), {}};
    QList<report::Series> languageSeries;
    for (const QString &l : r.languages)
        languageSeries.append(report::Series{l, {}});

    auto nullable = [](qint64 v, bool has) { return has ? QVariant(v) : QVariant(); };
    for (const AdoptionPeriod &p : r.periods) {
        const bool hasTree = !p.snapshotRelease.isEmpty();
        const LanguageTotals s = p.languages.value(second), c = p.languages.value(QStringLiteral("C"));
        table.rows.append(QVariantList{
            p.period, p.date.isValid() ? QVariant(p.date) : QVariant(), hasTree ? QVariant(p.snapshotRelease) : QVariant(),
            nullable(s.files, hasTree), nullable(s.lines, hasTree), nullable(c.files, hasTree), nullable(c.lines, hasTree),
            std::isnan(p.share) ? QVariant() : QVariant(p.share),
            p.commits, p.secondCommits, p.secondAuthors, p.firstTimeSecondAuthors, p.secondLinesAdded, p.secondLinesDeleted});
        if (hasTree)
            for (const QString &l : r.languages)
                if (p.languages.contains(l))
                    perLanguage.rows.append(QVariantList{p.period, l, p.languages.value(l).files, p.languages.value(l).lines});
        // Tree figures exist only at a release: the unreleased period has commits but no tree (a
        // stacked area would draw its gap as a drop to zero).
        if (hasTree) {
            lines.categories.append(p.period);
            shareChart.categories.append(p.period);
            for (int i = 0; i < r.languages.size(); ++i)
                languageSeries[i].values.append(double(p.languages.value(r.languages[i]).lines));
            shareSeries.values.append(p.share);
        }
        people.categories.append(p.period);
        commitsSeries.values.append(double(p.secondCommits));
        authorsSeries.values.append(double(p.secondAuthors));
        firstSeries.values.append(double(p.firstTimeSecondAuthors));
    }
    lines.series = languageSeries;
    shareChart.series = {shareSeries};
    people.series = {commitsSeries, authorsSeries, firstSeries};

    report::Table subsystems;
    subsystems.id = QStringLiteral("adoption.by-subsystem");
    subsystems.title = QStringLiteral("Subsystems with %1 files, per release (%2)").arg(second, r.subsystemBasis);
    subsystems.columns = {
        {QStringLiteral("release"), QStringLiteral("Release"), Kind::Text},
        {QStringLiteral("subsystem"), QStringLiteral("Subsystem"), Kind::Text},
        {QStringLiteral("second_files"), QStringLiteral("%1 files").arg(second), Kind::Integer},
        {QStringLiteral("second_lines"), QStringLiteral("%1 lines").arg(second), Kind::Integer},
        {QStringLiteral("c_files"), QStringLiteral("C files"), Kind::Integer},
        {QStringLiteral("c_lines"), QStringLiteral("C lines"), Kind::Integer},
        {QStringLiteral("subsystem_share"), QStringLiteral("%1 share").arg(second), Kind::Percent},
    };
    for (const SubsystemAdoption &s : r.bySubsystem)
        subsystems.rows.append(QVariantList{s.release, s.subsystem, s.second.files, s.second.lines, s.c.files,
                                            s.c.lines, std::isnan(s.share) ? QVariant() : QVariant(s.share)});
    if (r.subsystemBasis == QLatin1String("MAINTAINERS"))
        subsystems.note = QStringLiteral("A file in several MAINTAINERS sections counts in each; [RUST] sections roll up into their C subsystem.");

    // Unknown line counts are not zeros: the report says where its sums fall short.
    QStringList unknownPeriods;
    for (const AdoptionPeriod &p : r.periods)
        if (p.secondCommitsUnknownLines > 0)
            unknownPeriods.append(QStringLiteral("%1 (%2)").arg(p.period).arg(p.secondCommitsUnknownLines));
    QStringList incomplete = r.incomplete;
    if (!unknownPeriods.isEmpty())
        incomplete.append(QStringLiteral("Incomplete: %1 lines added/deleted leave out commits whose line counts are "
                                         "unknown (missing blobs): %2.").arg(second, unknownPeriods.join(QStringLiteral(", "))));
    table.note = incomplete.join(QLatin1Char(' '));

    section.tables = {table, perLanguage, subsystems};
    section.charts = {lines, shareChart, people};
    return section;
}

Result<report::Section> adoptionSection(Store &store, const Filter &filter)
{
    auto result = adoption(store, filter);
    if (!result)
        return result.status();
    return adoptionSection(*result, filter.period == Period::Month ? Period::Month : Period::Release);
}

} // namespace kl::models
