// Subsystem scheme dispatch (subsystem_scheme.h): which map a release tree gets, and a word on
// the fallback when the scheme asked for does not apply.

#include <kernellens/ingest/subsystem_scheme.h>

namespace kl::ingest {

namespace {

constexpr int kDefaultDepth = 2;       // "dirs": sys/kern, sys/net
constexpr int kDefaultRootDepth = 1;   // "dirs:ROOTS": the root directories themselves

Result<int> parseDepth(const QString &text, const QString &scheme)
{
    bool ok = false;
    const int depth = text.toInt(&ok);
    if (!ok || depth < 1 || depth > 32)
        return Status::error(QStringLiteral("subsystem scheme %1: depth '%2' is not a number from 1 to 32").arg(scheme, text));
    return depth;
}

bool isDepth(const QString &text)
{
    bool ok = false;
    text.toInt(&ok);
    return ok;
}

SubsystemChoice directories(const SubsystemScheme &scheme, const QStringList &paths)
{
    SubsystemChoice choice;
    choice.used = schemeName(scheme);
    choice.map = scheme.roots.isEmpty() ? SubsystemMap::fromDirectories(paths, scheme.depth)
                                        : SubsystemMap::fromDirectoryRoots(paths, scheme.roots, scheme.depth);
    if (!choice.map.unmatchedRoots().isEmpty())
        choice.warning = QStringLiteral("subsystem scheme %1: no directory matches %2")
                             .arg(choice.used, choice.map.unmatchedRoots().join(QStringLiteral(", ")));
    return choice;
}

SubsystemChoice fallback(const QString &why, const QStringList &paths, int depth)
{
    SubsystemScheme dirs;
    dirs.kind = SubsystemScheme::Kind::Directories;
    dirs.depth = depth;
    SubsystemChoice choice = directories(dirs, paths);
    choice.warning = why + QStringLiteral("; subsystems are directories (scheme used instead: %1)").arg(choice.used);
    return choice;
}

std::optional<SubsystemChoice> linuxMap(const QByteArray &text, const QSet<QString> &directories)
{
    SubsystemMap map = SubsystemMap::fromMaintainers(text, directories);
    if (map.sections().isEmpty())
        return std::nullopt;
    SubsystemChoice choice;
    choice.map = std::move(map);
    choice.used = QStringLiteral("linux");
    choice.fromMaintainers = true;
    return choice;
}

std::optional<SubsystemChoice> freebsdMap(const QByteArray &text, const QSet<QString> &directories)
{
    std::optional<SubsystemMap> map = SubsystemMap::fromFreeBsdMaintainers(text, directories);
    if (!map)
        return std::nullopt;
    SubsystemChoice choice;
    choice.map = std::move(*map);
    choice.used = QStringLiteral("freebsd");
    choice.fromMaintainers = true;
    return choice;
}

} // namespace

Result<SubsystemScheme> parseSubsystemScheme(const QString &text)
{
    SubsystemScheme scheme;
    const QString t = text.trimmed();
    if (t.isEmpty() || t == QLatin1String("auto"))
        return scheme;
    if (t == QLatin1String("linux")) {
        scheme.kind = SubsystemScheme::Kind::Linux;
        return scheme;
    }
    if (t == QLatin1String("freebsd")) {
        scheme.kind = SubsystemScheme::Kind::FreeBsd;
        return scheme;
    }
    if (t != QLatin1String("dirs") && !t.startsWith(QLatin1String("dirs:")))
        return Status::error(QStringLiteral("subsystem scheme '%1' is not known (auto, linux, freebsd, dirs[:DEPTH] "
                                            "or dirs:ROOT[,ROOT...][:DEPTH])").arg(t));
    scheme.kind = SubsystemScheme::Kind::Directories;
    QStringList parts = t.split(QLatin1Char(':'));
    parts.removeFirst();
    if (parts.size() > 2)
        return Status::error(QStringLiteral("subsystem scheme '%1': expected dirs:ROOT[,ROOT...][:DEPTH]").arg(t));
    if (!parts.isEmpty() && !isDepth(parts.constFirst())) {
        for (const QString &root : parts.takeFirst().split(QLatin1Char(','), Qt::SkipEmptyParts))
            scheme.roots.append(root.trimmed());
        if (scheme.roots.isEmpty())
            return Status::error(QStringLiteral("subsystem scheme '%1': no root directory").arg(t));
        scheme.depth = kDefaultRootDepth;
    }
    if (!parts.isEmpty()) {
        auto depth = parseDepth(parts.constFirst(), t);
        if (!depth)
            return depth.status();
        scheme.depth = *depth;
    }
    return scheme;
}

QString schemeName(const SubsystemScheme &scheme)
{
    switch (scheme.kind) {
    case SubsystemScheme::Kind::Auto:
        return QStringLiteral("auto");
    case SubsystemScheme::Kind::Linux:
        return QStringLiteral("linux");
    case SubsystemScheme::Kind::FreeBsd:
        return QStringLiteral("freebsd");
    case SubsystemScheme::Kind::Directories:
        break;
    }
    if (scheme.roots.isEmpty())
        return QStringLiteral("dirs:%1").arg(scheme.depth);
    return QStringLiteral("dirs:%1:%2").arg(scheme.roots.join(QLatin1Char(',')), QString::number(scheme.depth));
}

SubsystemChoice chooseSubsystems(const SubsystemScheme &scheme, const std::optional<QByteArray> &maintainers,
                                 const QSet<QString> &dirs, const QStringList &paths, int fallbackDepth)
{
    using Kind = SubsystemScheme::Kind;
    if (scheme.kind == Kind::Directories)
        return directories(scheme, paths);
    if (!maintainers) {
        SubsystemChoice choice =
            fallback(QStringLiteral("subsystem scheme %1: the tree has no MAINTAINERS").arg(schemeName(scheme)), paths,
                     fallbackDepth);
        if (scheme.kind == Kind::Auto)
            choice.warning.clear();   // auto without MAINTAINERS: directories are what was asked for
        return choice;
    }
    // auto: the FreeBSD table header decides which parser is tried first.
    const bool freebsdFirst = scheme.kind == Kind::FreeBsd
                              || (scheme.kind == Kind::Auto && SubsystemMap::looksLikeFreeBsdMaintainers(*maintainers));
    if (freebsdFirst)
        if (auto freebsdChoice = freebsdMap(*maintainers, dirs))
            return std::move(*freebsdChoice);
    if (scheme.kind != Kind::FreeBsd)
        if (auto linuxChoice = linuxMap(*maintainers, dirs))
            return std::move(*linuxChoice);
    if (scheme.kind == Kind::Auto && !freebsdFirst)
        if (auto freebsdChoice = freebsdMap(*maintainers, dirs))
            return std::move(*freebsdChoice);
    const QString expected = scheme.kind == Kind::Linux     ? QStringLiteral("a Linux-style MAINTAINERS")
                             : scheme.kind == Kind::FreeBsd ? QStringLiteral("a FreeBSD table-format MAINTAINERS")
                                                            : QStringLiteral("a Linux-style or FreeBSD table-format MAINTAINERS");
    return fallback(QStringLiteral("MAINTAINERS is not %1 (subsystem scheme %2)").arg(expected, schemeName(scheme)), paths,
                    fallbackDepth);
}

} // namespace kl::ingest
