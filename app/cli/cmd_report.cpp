// kernellens-cli report: writes the whole report (every analysis' section, the inputs with their
// watermarks) as HTML, PDF, Markdown, JSON or CSV.
//
// Markdown, JSON and CSV are written here. HTML and PDF carry charts drawn by the GUI's chart
// adapter, which needs Qt Widgets; this executable links none, so those two formats go through
// the kernellens-render module, loaded before the application object exists because the module
// must create it (a QApplication on the offscreen platform). See report/render_module.h.

#include "cli.h"

#include <kernellens/models/reporting.h>
#include <report/render_module.h>
#include <report/report_writers.h>

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLibrary>

#include <cstring>

#ifndef KERNELLENS_RENDER_MODULE_RELDIR
#define KERNELLENS_RENDER_MODULE_RELDIR "../lib/kernellens"
#endif
#ifndef KERNELLENS_RENDER_MODULE_FULLDIR
#define KERNELLENS_RENDER_MODULE_FULLDIR "/usr/lib/kernellens"
#endif

namespace kl::cli {

namespace {

struct RenderModule
{
    bool loaded = false;
    QString error;
    QString path;
    render::CreateApplicationFunction createApplication = nullptr;
    render::WriteReportFunction writeReport = nullptr;
};

// One per process: the module stays loaded for the life of the application it created.
RenderModule &renderModule()
{
    static RenderModule module;
    return module;
}

QStringList renderModuleCandidates()
{
    QStringList candidates;
    const QByteArray env = qgetenv("KERNELLENS_RENDER_MODULE");
    if (!env.isEmpty())
        return {QString::fromLocal8Bit(env)};
    const QString file = QLatin1String(render::kModuleBaseName) + QStringLiteral(".so");
    // The application object does not exist yet, so applicationDirPath() is not available.
    const QString exeDir = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalPath();
    if (!exeDir.isEmpty()) {
        candidates << QDir(exeDir).filePath(file); // build tree: next to the executable
        candidates << QDir::cleanPath(exeDir + QLatin1Char('/') + QStringLiteral(KERNELLENS_RENDER_MODULE_RELDIR)
                                      + QLatin1Char('/') + file);
    }
    candidates << QStringLiteral(KERNELLENS_RENDER_MODULE_FULLDIR "/") + file;
    candidates.removeDuplicates();
    return candidates;
}

bool loadRenderModule()
{
    RenderModule &module = renderModule();
    if (module.loaded)
        return true;
    QStringList tried;
    for (const QString &candidate : renderModuleCandidates()) {
        if (!QFileInfo::exists(candidate)) {
            tried << candidate + QStringLiteral(" (missing)");
            continue;
        }
        auto *library = new QLibrary(candidate); // never unloaded: the application lives in it
        if (!library->load()) {
            tried << library->errorString();
            delete library;
            continue;
        }
        auto abi = reinterpret_cast<render::AbiVersionFunction>(library->resolve(render::kAbiVersionSymbol));
        auto version = reinterpret_cast<render::BuildVersionFunction>(library->resolve(render::kBuildVersionSymbol));
        auto create = reinterpret_cast<render::CreateApplicationFunction>(
            library->resolve(render::kCreateApplicationSymbol));
        auto write = reinterpret_cast<render::WriteReportFunction>(library->resolve(render::kWriteReportSymbol));
        if (!abi || !version || !create || !write || abi() != render::kAbiVersion
            || std::strcmp(version(), KERNELLENS_VERSION) != 0) {
            tried << candidate + QStringLiteral(" (built for another KernelLens version)");
            library->unload();
            delete library;
            continue;
        }
        module.loaded = true;
        module.path = candidate;
        module.createApplication = create;
        module.writeReport = write;
        return true;
    }
    module.error = tried.join(QStringLiteral("; "));
    return false;
}

// Reads argv the way main() will, to learn before any application object exists whether this
// run is `report` in a format that draws charts.
bool wantsChartRendering(int argc, char **argv)
{
    int i = 1;
    bool command = false;
    QString format;
    bool globalText = false;
    for (; i < argc; ++i) {
        const QString a = QString::fromLocal8Bit(argv[i]);
        if (!command) {
            if (a == QLatin1String("--db")) {
                ++i;
                continue;
            }
            if (a == QLatin1String("--json") || a == QLatin1String("--csv")) {
                globalText = true;
                continue;
            }
            if (a.startsWith(QLatin1Char('-')))
                continue;
            if (a != QLatin1String("report"))
                return false;
            command = true;
            continue;
        }
        if ((a == QLatin1String("--format") || a == QLatin1String("-f")) && i + 1 < argc)
            format = QString::fromLocal8Bit(argv[++i]);
        else if (a.startsWith(QLatin1String("--format=")))
            format = a.mid(9);
        else if (a == QLatin1String("--json") || a == QLatin1String("--csv"))
            globalText = true;
        else if (a == QLatin1String("--help") || a == QLatin1String("-h"))
            return false;
    }
    if (!command)
        return false;
    if (format.isEmpty())
        return !globalText; // the default format is HTML
    const auto f = report::formatFromName(format);
    return f && (*f == report::Format::Html || *f == report::Format::Pdf);
}

QString humanSize(qint64 bytes)
{
    if (bytes < 10 * 1024)
        return QStringLiteral("%1 bytes").arg(bytes);
    if (bytes < 10 * 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(bytes / 1024);
    return QStringLiteral("%1 MiB").arg(bytes / (1024 * 1024));
}

bool parseDate(const QString &text, QDate &out)
{
    out = QDate::fromString(text, Qt::ISODate);
    if (!out.isValid())
        out = QDate::fromString(text + QStringLiteral("-01"), Qt::ISODate); // YYYY-MM
    return out.isValid();
}

} // namespace

std::unique_ptr<QCoreApplication> createApplication(int &argc, char **argv)
{
    if (wantsChartRendering(argc, argv)) {
        // Reports never need a display: the CLI chooses the offscreen platform itself.
        qputenv("QT_QPA_PLATFORM", "offscreen");
        if (loadRenderModule())
            return std::unique_ptr<QCoreApplication>(renderModule().createApplication(&argc, argv));
    }
    return std::make_unique<QCoreApplication>(argc, argv);
}

int report(Context &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Write a report of every analysis with the inputs and their watermarks.\n"
        "html: one self-contained page with inline SVG charts; pdf: the same, paginated, charts as vectors;\n"
        "md: LWN-style Markdown tables; json: the versioned schema of docs/report-schema.md;\n"
        "csv: one file per table in the --out directory."));
    const QCommandLineOption formatOption({QStringLiteral("f"), QStringLiteral("format")},
                                          QStringLiteral("html (default), pdf, md, json or csv."),
                                          QStringLiteral("FORMAT"));
    const QCommandLineOption outOption({QStringLiteral("o"), QStringLiteral("out")},
                                       QStringLiteral("Output file (csv: directory); '-' writes md or json to "
                                                      "standard output. Default: kernellens-report.FORMAT."),
                                       QStringLiteral("PATH"));
    const QCommandLineOption sinceOption(QStringLiteral("since"), QStringLiteral("Only from DATE (YYYY-MM-DD or YYYY-MM)."),
                                         QStringLiteral("DATE"));
    const QCommandLineOption untilOption(QStringLiteral("until"), QStringLiteral("Only up to DATE (inclusive)."),
                                         QStringLiteral("DATE"));
    const QCommandLineOption subsystemOption(QStringLiteral("subsystem"),
                                             QStringLiteral("Only the MAINTAINERS section NAME."), QStringLiteral("NAME"));
    const QCommandLineOption listOption(QStringLiteral("list"), QStringLiteral("Only the mailing list NAME."),
                                        QStringLiteral("NAME"));
    const QCommandLineOption releaseOption(QStringLiteral("release"),
                                           QStringLiteral("Coverage at release TAG (default: the latest)."),
                                           QStringLiteral("TAG"));
    const QCommandLineOption compareOption(QStringLiteral("compare"),
                                           QStringLiteral("With --release: the differences from release TAG."),
                                           QStringLiteral("TAG"));
    const QCommandLineOption sectionOption(QStringLiteral("section"),
                                           QStringLiteral("Only section ID (repeatable): %1.")
                                               .arg(models::reportSectionIds().join(QStringLiteral(", "))),
                                           QStringLiteral("ID"));
    const QCommandLineOption titleOption(QStringLiteral("title"), QStringLiteral("The report's title."),
                                         QStringLiteral("TEXT"));
    const QCommandLineOption releasesSetOption = releasesOption();
    parser.addOptions({formatOption, outOption, sinceOption, untilOption, subsystemOption, listOption,
                       releaseOption, compareOption, sectionOption, titleOption, releasesSetOption});
    int exitCode = ExitOk;
    if (!parseOrExit(ctx, parser, args, exitCode))
        return exitCode;
    if (!parser.positionalArguments().isEmpty())
        return ctx.usage(QStringLiteral("report takes no arguments, only options"));

    report::Format format = report::Format::Html;
    if (parser.isSet(formatOption)) {
        const auto f = report::formatFromName(parser.value(formatOption));
        if (!f)
            return ctx.usage(QStringLiteral("unknown report format '%1' (html, pdf, md, json, csv)")
                                 .arg(parser.value(formatOption)));
        format = *f;
    } else if (ctx.format == OutputFormat::Json) {
        format = report::Format::Json;
    } else if (ctx.format == OutputFormat::Csv) {
        format = report::Format::Csv;
    }

    models::ReportOptions options;
    options.title = parser.value(titleOption);
    options.sections = parser.values(sectionOption);
    models::Filter &filter = options.filter;
    if (parser.isSet(sinceOption) && !parseDate(parser.value(sinceOption), filter.since))
        return ctx.usage(QStringLiteral("--since: '%1' is not a date (YYYY-MM-DD)").arg(parser.value(sinceOption)));
    if (parser.isSet(untilOption) && !parseDate(parser.value(untilOption), filter.until))
        return ctx.usage(QStringLiteral("--until: '%1' is not a date (YYYY-MM-DD)").arg(parser.value(untilOption)));
    if (filter.since.isValid() && filter.until.isValid() && filter.since > filter.until)
        return ctx.usage(QStringLiteral("--since is after --until"));
    filter.subsystem = parser.value(subsystemOption);
    filter.list = parser.value(listOption);
    filter.release = parser.value(releaseOption);
    filter.compareRelease = parser.value(compareOption);
    if (QString error; !parseReleases(parser, releasesSetOption, filter, error))
        return ctx.usage(error);
    if (!filter.compareRelease.isEmpty() && filter.release.isEmpty())
        return ctx.usage(QStringLiteral("--compare needs --release"));

    QString out = parser.isSet(outOption) ? parser.value(outOption) : report::defaultFileName(format);
    const bool toStdout = out == QLatin1String("-");
    if (toStdout && format != report::Format::Markdown && format != report::Format::Json)
        return ctx.usage(QStringLiteral("--out - works for md and json only"));
    if (!toStdout)
        out = QDir::current().absoluteFilePath(out);

    const bool needsModule = format == report::Format::Html || format == report::Format::Pdf;
    if (needsModule && !renderModule().loaded)
        return ctx.fail(Status::error(
            QStringLiteral("%1 reports draw charts with the kernellens-render module, which could not be loaded (%2); "
                           "md, json and csv work without it")
                .arg(report::formatName(format).toUpper(),
                     renderModule().error.isEmpty() ? QStringLiteral("not requested") : renderModule().error)));

    QElapsedTimer timer;
    timer.start();
    auto store = ctx.openStore(Store::Mode::ReadOnly);
    if (!store)
        return ctx.fail(store.status());
    if (!ctx.quiet) {
        ctx.err << "[report] building sections\n";
        ctx.err.flush();
    }
    QStringList warnings;
    auto built = models::buildReport(store.value(), options, &warnings);
    if (!built)
        return ctx.fail(built.status());
    for (const QString &w : warnings)
        ctx.err << "kernellens-cli: warning: " << w << '\n';
    if (ctx.cancel.isCancelled())
        return ctx.fail(Status::cancelled());
    const qint64 buildMs = timer.elapsed();
    if (!ctx.quiet) {
        ctx.err << "[report] writing " << report::formatName(format);
        if (needsModule)
            ctx.err << " (charts by " << renderModule().path << ')';
        ctx.err << '\n';
        ctx.err.flush();
    }

    QStringList written;
    if (toStdout) {
        if (format == report::Format::Json)
            ctx.out << QString::fromUtf8(report::toJsonBytes(built.value()));
        else
            ctx.out << report::toMarkdown(built.value());
        ctx.out.flush();
        return ExitOk;
    }
    if (needsModule) {
        render::WriteRequest request;
        request.report = &built.value();
        request.format = int(format);
        request.path = out;
        if (renderModule().writeReport(&request) != 0)
            return ctx.fail(Status::error(request.error.isEmpty() ? out + QStringLiteral(": the renderer failed")
                                                                  : request.error));
        written = request.written;
    } else if (format == report::Format::Csv) {
        auto files = report::writeCsvDirectory(built.value(), out);
        if (!files)
            return ctx.fail(files.status());
        written = files.value();
    } else {
        const QByteArray bytes = format == report::Format::Json ? report::toJsonBytes(built.value())
                                                                : report::toMarkdown(built.value()).toUtf8();
        const Status st = report::writeFile(out, bytes);
        if (!st)
            return ctx.fail(st);
        written << out;
    }
    qint64 total = 0;
    for (const QString &path : written)
        total += QFileInfo(path).size();
    if (!ctx.quiet) {
        ctx.err << QStringLiteral("[report] %1 section(s), %2 input(s): built in %3 ms, written in %4 ms\n")
                       .arg(built->sections.size())
                       .arg(built->inputs.size())
                       .arg(buildMs)
                       .arg(timer.elapsed() - buildMs);
        ctx.err.flush();
    }
    // The path on stdout, so scripts can pick it up.
    ctx.out << (format == report::Format::Csv ? QDir(out).absolutePath() : written.value(0)) << '\n';
    if (!ctx.quiet)
        ctx.err << QStringLiteral("wrote %1 file(s), %2\n").arg(written.size()).arg(humanSize(total));
    ctx.out.flush();
    ctx.err.flush();
    return ExitOk;
}

} // namespace kl::cli
