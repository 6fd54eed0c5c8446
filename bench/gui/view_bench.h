#pragma once
// Opens every view of the main window on a store with the stall probe running, after a floor
// measured in the same run (an idle event loop, and every view on an empty store).

#include <QString>

class QTextStream;

namespace kl::bench {

// Prints "figure: value" lines; returns false when a view never became ready.
bool runViewBench(const QString &storeDir, QTextStream &out);

} // namespace kl::bench
