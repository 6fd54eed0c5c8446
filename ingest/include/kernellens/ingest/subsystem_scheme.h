#pragma once
// Subsystem schemes of a git source (setting "subsystem_scheme", docs/coverage.md):
//   auto                      Linux MAINTAINERS if it parses, else FreeBSD's table-format
//                             MAINTAINERS if recognised, else directories at depth 2
//   linux                     the Linux MAINTAINERS (get_maintainer.pl semantics)
//   freebsd                   FreeBSD's table-format MAINTAINERS
//   dirs[:DEPTH]              every directory at DEPTH (default 2: sys/kern)
//   dirs:ROOT[,ROOT...][:DEPTH]  directories under the roots (globs: sys/dev/*, sys/net*), DEPTH
//                             levels from the root (default 1: the root directory itself)
// When the scheme asked for does not apply (no MAINTAINERS, or one not recognised) the one used
// instead is said: `used` names it and `warning` explains why.

#include <kernellens/index/result.h>
#include <kernellens/ingest/subsystems.h>

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace kl::ingest {

struct SubsystemScheme
{
    enum class Kind { Auto, Linux, FreeBsd, Directories };
    Kind kind = Kind::Auto;
    QStringList roots;     // Directories: empty = every directory at `depth`
    int depth = 2;
};

// "auto", "linux", "freebsd", "dirs", "dirs:3", "dirs:sys/dev/*,sys/kern:1"; an error names
// what is accepted.
Result<SubsystemScheme> parseSubsystemScheme(const QString &text);
QString schemeName(const SubsystemScheme &scheme);   // canonical text, parses back

struct SubsystemChoice
{
    SubsystemMap map;
    QString used;          // canonical scheme that built `map` ("linux", "freebsd", "dirs:2", ...)
    QString warning;       // non-empty when the scheme asked for was not the one used
    bool fromMaintainers = false;
};

// `maintainers`: the text of the tree's MAINTAINERS, absent when the tree has none (or it could
// not be read); `directories`/`paths`: the tree's directories and files; `fallbackDepth`: the
// depth of the directory scheme used when a MAINTAINERS scheme does not apply.
SubsystemChoice chooseSubsystems(const SubsystemScheme &scheme, const std::optional<QByteArray> &maintainers,
                                 const QSet<QString> &directories, const QStringList &paths, int fallbackDepth = 2);

} // namespace kl::ingest
