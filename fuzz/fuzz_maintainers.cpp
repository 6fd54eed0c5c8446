// A MAINTAINERS file through the section parser, then path lookups that run its F:/X:/N:
// patterns (compiled regular expressions) against a few kernel paths.
#include "fuzz_common.h"

#include <kernellens/ingest/subsystems.h>

#include <QStringList>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QSet<QString> directories = {QStringLiteral("rust"), QStringLiteral("rust/kernel"),
                                              QStringLiteral("drivers"), QStringLiteral("drivers/net")};
    static const QStringList paths = {QStringLiteral("rust/kernel/lib.rs"), QStringLiteral("MAINTAINERS"),
                                      QStringLiteral("drivers/net/phy/ax88796b_rust.rs"),
                                      QStringLiteral("Documentation/rust/index.rst")};
    const kl::SubsystemMap map = kl::SubsystemMap::fromMaintainers(kl::fuzz::bytes(data, size), directories);
    for (const QString &path : paths)
        (void)map.sectionsFor(path);
    for (const kl::MaintainersSection &section : map.sections()) {
        (void)section.people();
        (void)kl::isSecondLanguageSection(section.name);
    }
    return 0;
}
