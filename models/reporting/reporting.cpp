#include <kernellens/models/reporting.h>

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

// Each analysis owns its section builder; a builder is wired in as soon as its header is in the
// tree (header and implementation land together), and until then the report says what to ingest.
#if __has_include(<kernellens/models/adoption.h>)
#include <kernellens/models/adoption.h>
#define KL_HAVE_ADOPTION_SECTION 1
#endif
#if __has_include(<kernellens/models/coverage.h>)
#include <kernellens/models/coverage.h>
#define KL_HAVE_COVERAGE_SECTION 1
#endif
#if __has_include(<kernellens/models/friction.h>)
#include <kernellens/models/friction.h>
#define KL_HAVE_FRICTION_SECTION 1
#endif
#include <kernellens/models/review.h>
#if __has_include(<kernellens/models/onboarding.h>)
#include <kernellens/models/onboarding.h>
#define KL_HAVE_ONBOARDING_SECTION 1
#endif

namespace kl::models {

namespace {

struct SectionInfo
{
    const char *id;
    const char *title;
    const char *whatToIngest;
};

const SectionInfo kSections[] = {
    {"adoption", "Adoption",
     "ingest a kernel git repository (kernellens-cli ingest git DIR) to chart files, lines, commits and "
     "authors per language and release"},
    {"coverage", "Binding coverage",
     "ingest a kernel git repository with release tags and MAINTAINERS (kernellens-cli ingest git DIR)"},
    {"friction", "Friction",
     "ingest a mailing-list archive (kernellens-cli ingest mail --list NAME DIR)"},
    {"onboarding", "Onboarding",
     "ingest a kernel git repository and a mailing-list archive"},
    {"review", "Patch review",
     "ingest a mailing-list archive and the git repository its patches go into; the derive stage links them"},
};

QString shortValue(const QString &value)
{
    static const QRegularExpression oid(QStringLiteral("^[0-9a-f]{40}([0-9a-f]{24})?$"));
    if (oid.match(value).hasMatch())
        return value.left(12);
    if (value.size() > 60)
        return value.left(59) + QChar(0x2026);
    return value;
}

const SectionInfo *infoFor(const QString &id)
{
    for (const auto &s : kSections)
        if (id == QLatin1String(s.id))
            return &s;
    return &kSections[0];
}

using SectionBuilder = Result<report::Section> (*)(Store &, const Filter &);

// Nothing to show until the derive stage has linked patches: an empty section gets the hint.
Result<report::Section> reviewReportSection(Store &store, const Filter &filter)
{
    auto has = hasReviewData(store);
    if (!has)
        return has.status();
    if (!has.value()) {
        report::Section empty;
        empty.id = QStringLiteral("review");
        empty.title = QStringLiteral("Patch review");
        return empty;
    }
    return reviewSection(store, filter);
}

SectionBuilder builderFor(const QString &id)
{
#ifdef KL_HAVE_ADOPTION_SECTION
    if (id == QLatin1String("adoption"))
        return static_cast<SectionBuilder>(&adoptionSection);
#endif
#ifdef KL_HAVE_COVERAGE_SECTION
    if (id == QLatin1String("coverage"))
        return static_cast<SectionBuilder>(&coverageSection);
#endif
#ifdef KL_HAVE_FRICTION_SECTION
    if (id == QLatin1String("friction"))
        return static_cast<SectionBuilder>(&frictionSection);
#endif
#ifdef KL_HAVE_ONBOARDING_SECTION
    if (id == QLatin1String("onboarding"))
        return static_cast<SectionBuilder>(&onboardingSection);
#endif
    if (id == QLatin1String("review"))
        return &reviewReportSection;
    return nullptr;
}

Result<report::Section> buildSection(Store &store, const QString &id, const Filter &filter)
{
    if (SectionBuilder builder = builderFor(id)) {
        auto section = builder(store, filter);
        if (!section)
            return section;
        if (section->id.isEmpty())
            section->id = id;
        if (section->tables.isEmpty() && section->charts.isEmpty()) {
            // An analysis with nothing to show still tells the reader what would fill it.
            const report::Section hint = noDataSection(id, QString::fromUtf8(infoFor(id)->whatToIngest));
            section->method = section->method.isEmpty() ? hint.method : section->method + QLatin1Char(' ') + hint.method;
        }
        return section;
    }
    for (const auto &s : kSections)
        if (id == QLatin1String(s.id))
            return noDataSection(id, QString::fromUtf8(s.whatToIngest));
    return Status::error(QStringLiteral("unknown report section '%1'").arg(id));
}

} // namespace

QStringList reportSectionIds()
{
    QStringList ids;
    for (const auto &s : kSections)
        ids << QString::fromLatin1(s.id);
    return ids;
}

report::Section noDataSection(const QString &id, const QString &whatToIngest)
{
    report::Section section;
    section.id = id;
    section.title = id;
    for (const auto &s : kSections)
        if (id == QLatin1String(s.id))
            section.title = QString::fromUtf8(s.title);
    section.method = QStringLiteral("No data: ") + whatToIngest + QLatin1Char('.');
    return section;
}

QString describeFilter(const Filter &filter)
{
    QStringList parts;
    if (!filter.subsystem.isEmpty())
        parts << QStringLiteral("subsystem ") + filter.subsystem;
    if (!filter.list.isEmpty())
        parts << QStringLiteral("list ") + filter.list;
    if (filter.since.isValid() || filter.until.isValid())
        parts << QStringLiteral("%1 … %2")
                     .arg(filter.since.isValid() ? filter.since.toString(Qt::ISODate) : QStringLiteral("start"),
                          filter.until.isValid() ? filter.until.toString(Qt::ISODate) : QStringLiteral("now"));
    if (!filter.release.isEmpty() && !filter.compareRelease.isEmpty())
        parts << QStringLiteral("%1 → %2").arg(filter.compareRelease, filter.release);
    else if (!filter.release.isEmpty())
        parts << QStringLiteral("release ") + filter.release;
    if (filter.releases == ReleaseSet::All)
        parts << QStringLiteral("every release tag");
    return parts.join(QStringLiteral(" · "));
}

Result<QList<report::Input>> reportInputs(Store &store)
{
    auto sources = store.db().prepare(QStringLiteral(
        "SELECT id, kind, location, label, last_run_at FROM sources ORDER BY kind, location, label"));
    if (!sources)
        return sources.status().withContext(QStringLiteral("report inputs"));
    auto marks = store.db().prepare(QStringLiteral(
        "SELECT key, value FROM watermarks WHERE source_id = ?1 ORDER BY key"));
    if (!marks)
        return marks.status().withContext(QStringLiteral("report inputs"));
    QList<report::Input> inputs;
    while (true) {
        auto row = sources->step();
        if (!row)
            return row.status().withContext(QStringLiteral("report inputs"));
        if (!row.value())
            break;
        report::Input input;
        const qint64 id = sources->int64(0);
        input.kind = sources->text(1);
        input.location = sources->text(2);
        input.label = sources->text(3);
        QStringList summary;
        marks->reset();
        marks->bind(1, id);
        int shown = 0, total = 0;
        while (true) {
            auto mark = marks->step();
            if (!mark)
                return mark.status().withContext(QStringLiteral("report inputs: source %1").arg(input.location));
            if (!mark.value())
                break;
            ++total;
            // Epoch-per-key sources can have hundreds of watermarks; the first few tell the story.
            if (shown < 8) {
                summary << marks->text(0) + QLatin1Char(' ') + shortValue(marks->text(1));
                ++shown;
            }
        }
        if (total > shown)
            summary << QStringLiteral("… %1 more").arg(total - shown);
        if (!sources->isNull(4))
            summary << QStringLiteral("last run ")
                           + QDateTime::fromSecsSinceEpoch(sources->int64(4), Qt::UTC)
                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
        input.watermark = summary.isEmpty() ? QStringLiteral("not ingested yet") : summary.join(QStringLiteral(" · "));
        inputs << input;
    }
    return inputs;
}

Result<report::Report> buildReport(Store &store, const ReportOptions &options, QStringList *warnings)
{
    report::Report report;
    const QString scope = describeFilter(options.filter);
    report.title = options.title.isEmpty()
                       ? (scope.isEmpty() ? QStringLiteral("KernelLens report")
                                          : QStringLiteral("KernelLens report — ") + scope)
                       : options.title;
    report.generated = QDateTime::currentDateTimeUtc();
    auto inputs = reportInputs(store);
    if (!inputs)
        return inputs.status();
    report.inputs = inputs.value();
    const QStringList wanted = options.sections.isEmpty() ? reportSectionIds() : options.sections;
    for (const QString &id : wanted) {
        if (!reportSectionIds().contains(id))
            return Status::error(QStringLiteral("unknown report section '%1' (known: %2)")
                                     .arg(id, reportSectionIds().join(QStringLiteral(", "))));
    }
    for (const QString &id : reportSectionIds()) {
        if (!wanted.contains(id))
            continue;
        auto section = buildSection(store, id, options.filter);
        if (section) {
            report.sections << section.value();
            continue;
        }
        if (section.status().isCancelled())
            return section.status();
        const QString message = section.status().withContext(QStringLiteral("report section %1").arg(id)).message();
        if (warnings)
            *warnings << message;
        report::Section failed = noDataSection(id, QString());
        failed.method = QStringLiteral("Not available: ") + section.errorMessage();
        report.sections << failed;
    }
    return report;
}

} // namespace kl::models
