#include "cli.h"
#include "interrupt.h"

#include <kernellens/models/visible_text.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <cmath>
#include <memory>

#include <unistd.h>

namespace kl::cli {

Result<Store> Context::openStore(Store::Mode mode) const
{
    return Store::open(storeDir, mode);
}

int Context::fail(const Status &status)
{
    if (status.isCancelled()) {
        err << "kernellens-cli: cancelled; rerun the same command to resume\n";
        err.flush();
        return ExitCancelled;
    }
    // Errors name their input (a path, a Message-ID, a header): shown, never acted on.
    err << "kernellens-cli: " << report::visibleText(status.message(), report::LineBreaks::Keep) << '\n';
    err.flush();
    return ExitFailure;
}

int Context::usage(const QString &message)
{
    err << "kernellens-cli: " << report::visibleText(message, report::LineBreaks::Keep)
        << "\n(see kernellens-cli --help)\n";
    err.flush();
    return ExitUsage;
}

namespace {

QString formatCount(qint64 n)
{
    return QLocale::c().toString(n);
}

QString formatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return QStringLiteral("--:--");
    const qint64 s = qint64(seconds + 0.5);
    if (s >= 3600)
        return QStringLiteral("%1:%2:%3").arg(s / 3600).arg((s / 60) % 60, 2, 10, QLatin1Char('0'))
            .arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(s / 60, 2, 10, QLatin1Char('0')).arg(s % 60, 2, 10, QLatin1Char('0'));
}

struct ProgressState
{
    QElapsedTimer phaseTimer;
    QString phase;
    bool lineOpen = false;
};

} // namespace

ProgressSink Context::progressSink()
{
    if (quiet)
        return noteInterruptPhase;
    auto state = std::make_shared<ProgressState>();
    QTextStream *errStream = &err;
    const bool terminal = progressOnTerminal;
    return [state, errStream, terminal](const Progress &p) {
        noteInterruptPhase(p);
        QTextStream &e = *errStream;
        if (p.phase != state->phase) {
            if (state->lineOpen)
                e << '\n';
            state->lineOpen = false;
            state->phase = p.phase;
            state->phaseTimer.start();
            if (!terminal) {
                e << "[" << report::visibleText(p.phase) << "]\n";
                e.flush();
                return;
            }
        }
        if (!terminal)
            return;
        const double elapsed = state->phaseTimer.elapsed() / 1000.0;
        const double rate = elapsed > 0.2 ? p.done / elapsed : 0;
        QString line = QStringLiteral("\r\x1b[K%1: %2").arg(report::visibleText(p.phase), formatCount(p.done));
        if (p.total > 0) {
            const double fraction = std::min(1.0, double(p.done) / double(p.total));
            const int width = 24;
            const int filled = int(fraction * width);
            line += QStringLiteral("/%1 %2 [%3%4] %5%")
                        .arg(formatCount(p.total), p.unit,
                             QString(filled, QLatin1Char('#')),
                             QString(width - filled, QLatin1Char('.')))
                        .arg(fraction * 100, 0, 'f', 1);
            if (rate > 0)
                line += QStringLiteral("  %1 %2/s  ETA %3")
                            .arg(rate, 0, 'f', 0)
                            .arg(p.unit, formatDuration((p.total - p.done) / rate));
        } else {
            line += QLatin1Char(' ') + p.unit;
            if (rate > 0)
                line += QStringLiteral("  %1 %2/s").arg(rate, 0, 'f', 0).arg(p.unit);
        }
        e << line;
        e.flush();
        state->lineOpen = true;
    };
}

namespace {

QString cellText(const QVariant &value, report::Column::Kind kind)
{
    if (!value.isValid() || value.isNull())
        return QStringLiteral("-");
    switch (kind) {
    case report::Column::Kind::Percent:
        return QString::number(value.toDouble() * 100.0, 'f', 2) + QLatin1Char('%');
    case report::Column::Kind::Real:
        return QString::number(value.toDouble(), 'f', 3);
    case report::Column::Kind::Date:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().date().toString(Qt::ISODate);
        return value.toString();
    case report::Column::Kind::DateTime:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        return value.toString();
    default:
        break;
    }
    if (value.typeId() == QMetaType::QStringList)
        return value.toStringList().join(QStringLiteral(", "));
    // Mail text reaches a terminal: control characters would move the cursor or worse.
    return report::visibleText(value.toString());
}

bool isNumeric(report::Column::Kind kind)
{
    return kind == report::Column::Kind::Integer || kind == report::Column::Kind::Real
           || kind == report::Column::Kind::Percent;
}

} // namespace

void Context::print(const report::Table &table)
{
    switch (format) {
    case OutputFormat::Json:
        printJson(report::toJson(table));
        return;
    case OutputFormat::Csv:
        out << report::toCsv(table);
        out.flush();
        return;
    case OutputFormat::Text:
        break;
    }
    if (!table.title.isEmpty())
        out << report::visibleText(table.title) << '\n';
    QList<QStringList> cells;
    QList<qsizetype> widths;
    for (const auto &c : table.columns)
        widths << c.title.size();
    for (const auto &row : table.rows) {
        QStringList line;
        for (int i = 0; i < table.columns.size(); ++i) {
            QString text = cellText(i < row.size() ? row[i] : QVariant(), table.columns[i].kind);
            if (text.size() > 100)
                text = text.left(99) + QChar(0x2026);
            widths[i] = std::max(widths[i], text.size());
            line << text;
        }
        cells << line;
    }
    auto printLine = [&](const QStringList &line) {
        QString text;
        for (int i = 0; i < line.size(); ++i) {
            const bool last = i + 1 == line.size();
            if (isNumeric(table.columns[i].kind))
                text += line[i].rightJustified(widths[i]);
            else
                text += last ? line[i] : line[i].leftJustified(widths[i]);
            if (!last)
                text += QStringLiteral("  ");
        }
        out << text << '\n';
    };
    QStringList header;
    for (const auto &c : table.columns)
        header << c.title;
    printLine(header);
    QStringList rule;
    for (auto w : widths)
        rule << QString(w, QLatin1Char('-'));
    printLine(rule);
    for (const auto &line : cells)
        printLine(line);
    if (!table.note.isEmpty())
        out << report::visibleText(table.note, report::LineBreaks::Keep) << '\n';
    out.flush();
}

void Context::print(const report::Section &section)
{
    switch (format) {
    case OutputFormat::Json:
        printJson(report::toJson(section));
        return;
    case OutputFormat::Csv:
        for (int i = 0; i < section.tables.size(); ++i) {
            if (section.tables.size() > 1)
                out << (i ? "\r\n" : "") << "# " << section.tables[i].id << "\r\n";
            out << report::toCsv(section.tables[i]);
        }
        out.flush();
        return;
    case OutputFormat::Text:
        break;
    }
    for (int i = 0; i < section.tables.size(); ++i) {
        if (i)
            out << '\n';
        print(section.tables[i]);
    }
}

void Context::printJson(const QJsonValue &value)
{
    QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    out << report::escapeInvisibleInJson(doc.toJson(QJsonDocument::Indented));
    out.flush();
}

QCommandLineOption releasesOption()
{
    return {QStringLiteral("releases"),
            QStringLiteral("feature (default): feature releases, each maintenance release and release candidate "
                           "counted under its feature release; all: every tag"),
            QStringLiteral("SET"), QStringLiteral("feature")};
}

bool parseReleases(const QCommandLineParser &parser, const QCommandLineOption &option, models::Filter &filter, QString &error)
{
    const QString value = parser.value(option);
    const auto set = models::releaseSetFromName(value);
    if (!set) {
        error = QStringLiteral("--releases takes feature or all, not '%1'").arg(value);
        return false;
    }
    filter.releases = *set;
    return true;
}

bool parseOrExit(Context &ctx, QCommandLineParser &parser, const QStringList &args, int &exitCode)
{
    parser.addHelpOption();
    if (!parser.parse(args)) {
        exitCode = ctx.usage(parser.errorText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        ctx.out << parser.helpText();
        ctx.out.flush();
        exitCode = ExitOk;
        return false;
    }
    return true;
}

} // namespace kl::cli
