#pragma once
// The filters shared by every analysis, the GUI's filter bar and the CLI's options.

#include <QDate>
#include <QString>

#include <optional>

namespace kl::models {

enum class Period { Release, Month, Quarter };

// Which releases per-release views count in (docs/git.md, "Release series"): feature releases,
// with each maintenance release and release candidate counted under its feature release, or
// every tag on its own.
enum class ReleaseSet { Feature, All };

// "feature" / "all", as --releases and the settings spell them; nullopt for another name.
inline std::optional<ReleaseSet> releaseSetFromName(const QString &name)
{
    if (name == QLatin1String("feature"))
        return ReleaseSet::Feature;
    if (name == QLatin1String("all"))
        return ReleaseSet::All;
    return std::nullopt;
}
inline QString releaseSetName(ReleaseSet set)
{
    return set == ReleaseSet::All ? QStringLiteral("all") : QStringLiteral("feature");
}

struct Filter
{
    QDate since;              // inclusive; null = open
    QDate until;              // inclusive; null = open
    QString subsystem;        // MAINTAINERS section name; empty = all
    QString list;             // mailing list name; empty = all
    QString release;          // a release tag (coverage: which release; empty = latest)
    QString compareRelease;   // coverage diff base; empty = none
    QString language;         // review: "second", "c" or "other"; empty = all
    Period period = Period::Release;
    ReleaseSet releases = ReleaseSet::Feature;
    int top = 50;             // ranked lists (friction)
    double frictionThreshold = -1;  // friction: uncivil at score >= this; < 0: the model's threshold
};

} // namespace kl::models
