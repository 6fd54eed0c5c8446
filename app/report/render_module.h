#pragma once
// The contract between kernellens-cli and the kernellens-render module.
//
// kernellens-cli must not link Qt Widgets (it runs where there is no display and no GUI
// libraries need be loaded), but HTML and PDF reports carry charts drawn by the same chart
// adapter as the GUI, and Qt Charts needs a QApplication. So chart rendering lives in a module
// the CLI loads with QLibrary only for `report --format html|pdf`: the module creates the
// application object (a QApplication on the offscreen platform) and writes the report.
//
// Both sides are built from the same tree; kAbiVersion and the version string guard against a
// stale module from another build. Only C linkage crosses the boundary; the Report is passed by
// pointer to the same C++ type both sides compiled.

#include <kernellens/models/report.h>

#include <QString>
#include <QStringList>

QT_BEGIN_NAMESPACE
class QCoreApplication;
QT_END_NAMESPACE

namespace kl::render {

// Bump when Report, WriteRequest or the entry points change shape.
inline constexpr int kAbiVersion = 1 + 100 * report::Report::schemaVersion;

struct WriteRequest
{
    const report::Report *report = nullptr;
    int format = 0;          // kl::report::Format
    QString path;
    QStringList written;     // out: files written
    QString error;           // out: why it failed, naming the path
};

extern "C" {
using AbiVersionFunction = int (*)();
using BuildVersionFunction = const char *(*)();
// Creates the process's application object; the caller owns it.
using CreateApplicationFunction = QCoreApplication *(*)(int *argc, char **argv);
// 0 on success.
using WriteReportFunction = int (*)(WriteRequest *request);
}

inline constexpr char kAbiVersionSymbol[] = "kernellens_render_abi_version";
inline constexpr char kBuildVersionSymbol[] = "kernellens_render_build_version";
inline constexpr char kCreateApplicationSymbol[] = "kernellens_render_create_application";
inline constexpr char kWriteReportSymbol[] = "kernellens_render_write_report";
inline constexpr char kModuleBaseName[] = "kernellens-render";

} // namespace kl::render
