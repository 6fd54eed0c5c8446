#pragma once
// Renders a view of the main window to an image once its data is on screen (waiting for the
// view's worker, not a fixed sleep). Used by `kernellens --screenshot`, the tests and the docs.

#include <kernellens/index/result.h>

#include <QImage>
#include <QSize>
#include <QString>

namespace kl::gui {

class MainWindow;

Result<QImage> captureView(MainWindow &window, const QString &viewName, QSize size, int timeoutMs = 60000);
// True when every pixel has the same colour (a failed render).
bool isBlank(const QImage &image);
// Counts distinct colours on a coarse grid: a real view has many.
int distinctColours(const QImage &image);

} // namespace kl::gui
