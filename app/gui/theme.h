#pragma once
// Light and dark palettes for the whole application, and the matching chart theme.

#include "charts/chart_adapter.h"

class QApplication;

namespace kl::gui {

void applyPalette(QApplication &app, bool dark);
bool isDarkPalette();
charts::Theme chartTheme();

} // namespace kl::gui
