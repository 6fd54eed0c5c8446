#pragma once
// A hand-made report with every column kind, every chart kind, and hostile strings where mail
// and git text would be (subjects, names, list labels, paths).

#include <kernellens/models/report.h>

#include <QDate>
#include <QDateTime>

#include <limits>

namespace kl::testing {

inline const QString kHostile = QStringLiteral("<script>alert(\"x\")</script> 'q' & \x01\x1b[31m|*_`[a](b)\x7f\u202e");

inline report::Chart chartOfKind(report::Chart::Kind kind, const QString &title = QStringLiteral("Lines per language"))
{
    report::Chart c;
    c.id = QStringLiteral("test.chart");
    c.title = title;
    c.kind = kind;
    c.categories = {QStringLiteral("v6.1"), QStringLiteral("v6.6"), QStringLiteral("v6.12")};
    c.series = {{QStringLiteral("Rust"), {10453, 15000, 20576}},
                {QStringLiteral("C"), {90000, std::numeric_limits<double>::quiet_NaN(), 120000}},
                {QStringLiteral("Assembly"), {3000, 3100, 3300}}};
    c.xTitle = QStringLiteral("release");
    c.yTitle = QStringLiteral("lines");
    return c;
}

inline report::Report sampleReport()
{
    using Kind = report::Column::Kind;
    report::Report r;
    r.title = QStringLiteral("Sample ") + kHostile;
    r.generated = QDateTime(QDate(2026, 11, 21), QTime(18, 0), Qt::UTC);
    r.inputs = {{QStringLiteral("mbox"), QStringLiteral("/tmp/") + kHostile + QStringLiteral(".mbox"),
                 QStringLiteral("linux-kbuild"), QStringLiteral("offset 1234 · last run 2026-11-21 18:00 UTC")},
                {QStringLiteral("git"), QStringLiteral("/data/kernel-mini.git"), QString(),
                 QStringLiteral("head 0123456789ab")}};

    report::Section adoption;
    adoption.id = QStringLiteral("adoption");
    adoption.title = QStringLiteral("Adoption");
    adoption.method = QStringLiteral("Physical lines per language at each release tag, counted once per blob.");
    report::Table byRelease;
    byRelease.id = QStringLiteral("adoption.by-release");
    byRelease.title = QStringLiteral("Lines by release");
    byRelease.columns = {{QStringLiteral("release"), QStringLiteral("Release"), Kind::Text},
                         {QStringLiteral("date"), QStringLiteral("Date"), Kind::Date},
                         {QStringLiteral("rust_lines"), QStringLiteral("Rust lines"), Kind::Integer},
                         {QStringLiteral("share"), QStringLiteral("Rust share"), Kind::Percent},
                         {QStringLiteral("ratio"), QStringLiteral("Ratio"), Kind::Real}};
    byRelease.rows = {QVariantList{QStringLiteral("v6.1"), QDate(2022, 12, 11), 10453, 0.0123, 1.5},
                      QVariantList{QStringLiteral("v6.12"), QDate(2024, 11, 17), 20576, 0.0201, QVariant()}};
    byRelease.note = QStringLiteral("Whole-tree figures.");
    adoption.tables << byRelease;
    for (auto kind : {report::Chart::Kind::Line, report::Chart::Kind::StackedArea, report::Chart::Kind::Bar,
                      report::Chart::Kind::StackedBar, report::Chart::Kind::HeatMap})
        adoption.charts << chartOfKind(kind);
    adoption.charts.last().title = QStringLiteral("Heat ") + kHostile;
    adoption.charts.last().series[0].name = kHostile;

    report::Section friction;
    friction.id = QStringLiteral("friction");
    friction.title = QStringLiteral("Friction");
    friction.method = QStringLiteral("Signals on the text each author wrote; quoted text excluded. ") + kHostile;
    report::Table threads;
    threads.id = QStringLiteral("friction.threads");
    threads.title = QStringLiteral("Heated threads");
    threads.columns = {{QStringLiteral("subject"), QStringLiteral("Subject"), Kind::Text},
                       {QStringLiteral("from"), QStringLiteral("From"), Kind::Text},
                       {QStringLiteral("when"), QStringLiteral("When"), Kind::DateTime},
                       {QStringLiteral("score"), QStringLiteral("Score"), Kind::Real}};
    for (int i = 0; i < 80; ++i)
        threads.rows << QVariantList{QString(QStringLiteral("[PATCH %1/80] ").arg(i + 1) + kHostile),
                                     QString(QStringLiteral("\"Mallory\" <m@example.org> ") + kHostile),
                                     QDateTime(QDate(2025, 1, 1), QTime(12, 0), Qt::UTC).addDays(i), 10.5 - i * 0.1};
    friction.tables << threads;

    report::Section empty;
    empty.id = QStringLiteral("onboarding");
    empty.title = QStringLiteral("Onboarding");
    empty.method = QStringLiteral("No data: ingest a kernel git repository and a mailing-list archive.");
    r.sections = {adoption, friction, empty};
    return r;
}

// Control characters (other than newline, tab, CR) and bidi overrides must not survive export.
inline bool hasControlCharacters(const QString &text)
{
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\n' && u != u'\t' && u != u'\r') || u == 0x7F || (u >= 0x80 && u <= 0x9F)
            || (u >= 0x202A && u <= 0x202E))
            return true;
    }
    return false;
}

} // namespace kl::testing
