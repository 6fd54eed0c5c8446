#include "main_window.h"
#include "git_source_dialog.h"
#include "screenshot.h"
#include "theme.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QSettings>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("KernelLens"));
    QApplication::setOrganizationName(QStringLiteral("KernelLens"));
    QApplication::setApplicationVersion(QStringLiteral(KERNELLENS_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("kernellens"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("KernelLens: second-language adoption in a kernel community"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("Store directory."), QStringLiteral("DIR"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
        QStringLiteral("Render a view to a PNG file once its data has loaded, then exit."), QStringLiteral("FILE.png"));
    const QCommandLineOption viewOption(QStringLiteral("view"),
        QStringLiteral("View to show: %1 (and add-git with --screenshot: the Add Git Repository dialog).").arg(kl::gui::MainWindow::viewNames().join(QStringLiteral(", "))),
        QStringLiteral("NAME"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("Window size for --screenshot (default 1400x900)."),
                                        QStringLiteral("WxH"), QStringLiteral("1400x900"));
    const QCommandLineOption darkOption(QStringLiteral("dark"), QStringLiteral("Use the dark palette."));
    const QCommandLineOption lightOption(QStringLiteral("light"), QStringLiteral("Use the light palette."));
    const QCommandLineOption releasesOption(QStringLiteral("releases"),
        QStringLiteral("Per-release views count in feature releases (feature) or every tag (all); overrides the remembered choice."),
        QStringLiteral("SET"));
    parser.addOptions({dbOption, screenshotOption, viewOption, sizeOption, darkOption, lightOption, releasesOption});
    parser.process(app);

    QTextStream err(stderr);
    const bool screenshot = parser.isSet(screenshotOption);
    QSettings settings;
    bool dark = settings.value(QStringLiteral("ui/dark"), false).toBool();
    if (parser.isSet(darkOption))
        dark = true;
    if (parser.isSet(lightOption) || (screenshot && !parser.isSet(darkOption)))
        dark = false;
    kl::gui::applyPalette(app, dark);

    kl::gui::MainWindow window;
    if (!screenshot)
        window.restoreState();
    if (parser.isSet(releasesOption)) {
        const auto set = kl::models::releaseSetFromName(parser.value(releasesOption));
        if (!set) {
            err << "kernellens: --releases takes feature or all, not '" << parser.value(releasesOption) << "'\n";
            return 2;
        }
        window.setReleaseSet(*set);
    }
    QString store = parser.value(dbOption);
    if (store.isEmpty())
        store = settings.value(QStringLiteral("store/last")).toString();
    if (store.isEmpty())
        store = kl::gui::defaultStoreDirectory();
    window.setStoreDirectory(store);
    // --view add-git: the Add Git Repository dialog, prefilled from the store's first git source.
    if (screenshot && parser.value(viewOption) == QLatin1String("add-git")) {
        const auto stored = kl::gui::GitSourceDialog::storedGitSettings(store);
        kl::gui::GitSourceDialog dialog(stored);
        QStringList locations = stored.keys();
        locations.sort();
        if (!locations.isEmpty())
            dialog.setSource(locations.constFirst());
        dialog.resize(720, dialog.sizeHint().height());
        dialog.show();
        QApplication::processEvents();
        const QString path = parser.value(screenshotOption);
        if (!dialog.grab().toImage().save(path, "PNG")) {
            err << "kernellens: " << path << ": cannot write the PNG file\n";
            return 1;
        }
        return 0;
    }
    if (parser.isSet(viewOption) && !window.showView(parser.value(viewOption))) {
        err << "kernellens: no view named '" << parser.value(viewOption) << "' (views: "
            << kl::gui::MainWindow::viewNames().join(QStringLiteral(", ")) << ")\n";
        return 2;
    }

    if (screenshot) {
        const QStringList wh = parser.value(sizeOption).split(QLatin1Char('x'));
        const QSize size(wh.value(0).toInt(), wh.value(1).toInt());
        if (wh.size() != 2 || size.width() < 200 || size.height() < 150) {
            err << "kernellens: --size wants WxH, e.g. 1400x900\n";
            return 2;
        }
        const QString viewName = parser.isSet(viewOption) ? parser.value(viewOption) : QStringLiteral("dashboard");
        auto image = kl::gui::captureView(window, viewName, size);
        if (!image) {
            err << "kernellens: " << image.errorMessage() << '\n';
            return 1;
        }
        const QString path = parser.value(screenshotOption);
        if (!image->save(path, "PNG")) {
            err << "kernellens: " << path << ": cannot write the PNG file\n";
            return 1;
        }
        return 0;
    }

    window.show();
    return QApplication::exec();
}
