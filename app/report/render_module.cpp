// The kernellens-render module: chart rendering and the HTML/PDF writers for kernellens-cli,
// which links no Qt Widgets itself. See render_module.h.

#include "render_module.h"
#include "report_render.h"

#include <QApplication>

#define KL_RENDER_EXPORT extern "C" __attribute__((visibility("default")))

KL_RENDER_EXPORT int kernellens_render_abi_version()
{
    return kl::render::kAbiVersion;
}

KL_RENDER_EXPORT const char *kernellens_render_build_version()
{
    return KERNELLENS_VERSION;
}

KL_RENDER_EXPORT QCoreApplication *kernellens_render_create_application(int *argc, char **argv)
{
    // Reports never need a display; the offscreen platform renders fonts and vectors the same.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    return new QApplication(*argc, argv);
}

KL_RENDER_EXPORT int kernellens_render_write_report(kl::render::WriteRequest *request)
{
    if (!request || !request->report)
        return 1;
    if (!qobject_cast<QApplication *>(QCoreApplication::instance())) {
        request->error = QStringLiteral("the report renderer needs the application object it creates");
        return 1;
    }
    try {
        auto result = kl::report::writeReport(*request->report, kl::report::Format(request->format), request->path);
        if (!result) {
            request->error = result.errorMessage();
            return 1;
        }
        request->written = result.value();
        return 0;
    } catch (const std::exception &e) {
        request->error = QStringLiteral("%1: %2").arg(request->path, QString::fromLocal8Bit(e.what()));
        return 1;
    }
}
