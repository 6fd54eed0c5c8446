#pragma once
// Subsystems of a tree: MAINTAINERS sections with the path -> sections semantics of the kernel's
// scripts/get_maintainer.pl (read_maintainer_file, file_match_pattern, get_maintainers), or
// directories at a fixed depth for trees without MAINTAINERS (FreeBSD, NetBSD).
//
// get_maintainer.pl semantics reproduced here:
//   - F:/X: values are turned into regular expressions: '.' -> '\.', '*' -> '.*', '?' -> '.';
//     a value naming a directory of the tree gets a trailing '/' added.
//   - a pattern matches a path when the path starts with it (regex anchored at the start only);
//     a pattern without a trailing '/' must in addition have as many '/' as the path
//     ("globs match at the same depth"); a trailing '/' matches the whole subtree.
//   - X: in a section excludes the path from that section (F: and N: alike).
//   - N: is a Perl regular expression (/x) searched anywhere in the path.
//   - K: matches file contents, not paths: it is recorded but never used for path mapping.
//   - a path belongs to every section that matches it (THE REST matches everything).

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace kl {

struct MaintainersField
{
    QChar type;      // M R L S W Q B C P T F X N K (others are kept and warned about)
    QString value;   // trimmed
    int line = 0;    // 1-based line in MAINTAINERS
};

struct MaintainersPerson
{
    QChar role;      // 'M' maintainer, 'R' reviewer
    QString name;
    QString email;   // case-folded; empty when the field carries none
};

struct MaintainersSection
{
    QString name;    // heading, trimmed ("ETHERNET PHY LIBRARY [RUST]")
    int line = 0;    // line of the heading
    QList<MaintainersField> fields;

    QStringList values(QChar type) const;
    QString status() const;                 // first S:, empty when none
    QList<MaintainersPerson> people() const; // M: and R: in file order
};

struct MaintainersWarning
{
    int line = 0;
    QString message;
};

class SubsystemMap
{
public:
    SubsystemMap();
    SubsystemMap(const SubsystemMap &);
    SubsystemMap &operator=(const SubsystemMap &);
    SubsystemMap(SubsystemMap &&) noexcept;
    SubsystemMap &operator=(SubsystemMap &&) noexcept;
    ~SubsystemMap();

    // Parses MAINTAINERS. `directories` are the tree's directories (no trailing '/'), used for
    // get_maintainer.pl's "a pattern naming a directory is recursive" rule; malformed lines give
    // warnings with their line numbers and parsing continues.
    static SubsystemMap fromMaintainers(const QByteArray &text, const QSet<QString> &directories = {});
    // One section per directory at `depth` (1 = top-level directories) among `paths`; files
    // above that depth belong to their own directory, top-level files to "(top)".
    static SubsystemMap fromDirectories(const QStringList &paths, int depth);
    // Directories under given roots (`dirs:ROOT,...:DEPTH` scheme): a root is a directory path or
    // a glob of one whose '*'/'?' stay within a path component ("sys/dev/*", "sys/net*"). A path
    // belongs to its deepest ancestor directory that matches a root, extended by up to
    // depth - 1 further directories (depth 1: the root directory itself); paths under no root
    // belong to "(other)". Roots that match no directory are listed by unmatchedRoots().
    static SubsystemMap fromDirectoryRoots(const QStringList &paths, const QStringList &roots, int depth);
    QStringList unmatchedRoots() const;
    // Parses FreeBSD's table-format MAINTAINERS ("subsystem<TAB>login<TAB>notes" rows under a
    // "subsystem login notes" header and a line of dashes; freebsd_maintainers.cpp, rules in
    // docs/coverage.md). std::nullopt when the text is not in that format, so the caller can
    // fall back to another scheme. `directories` resolve rows that name an area ("net80211",
    // "ath(4)") to the tree's directories; without them such rows keep no paths.
    static std::optional<SubsystemMap> fromFreeBsdMaintainers(const QByteArray &text,
                                                              const QSet<QString> &directories = {});
    // Cheap test of the table header, for "auto" scheme detection.
    static bool looksLikeFreeBsdMaintainers(const QByteArray &text);
    // Builds a map from ready sections whose F:/X:/N: fields hold get_maintainer.pl-style
    // patterns (used by the parsers of other MAINTAINERS formats); `warnings` are kept as given.
    static SubsystemMap fromSections(const QList<MaintainersSection> &sections,
                                     const QList<MaintainersWarning> &warnings,
                                     const QSet<QString> &directories = {});

    bool isDirectoryBased() const;
    int directoryDepth() const;

    const QList<MaintainersSection> &sections() const;
    const QList<MaintainersWarning> &warnings() const;
    int sectionIndex(const QString &name) const; // -1 when absent

    // Section names for a path relative to the tree root ("drivers/net/phy/phy.c"), in section
    // order; empty when nothing matches.
    QStringList sectionsFor(const QString &path) const;
    // Indexes into sections().
    QList<int> sectionIndexesFor(const QString &path) const;

private:
    static SubsystemMap fromDirectoriesWith(SubsystemMap map, const QStringList &paths, int depth);
    struct Data;
    std::unique_ptr<Data> d;
};

// "[RUST]" sections (the second language's per-subsystem sections) are rolled up into the C
// section they extend; see docs/coverage.md for the rule. `languageTag` is "RUST" by default.
bool isSecondLanguageSection(const QString &name, const QString &languageTag = QStringLiteral("RUST"));
// The language's own sections ("RUST", "RUST [ALLOC]") that are not a subsystem's extension.
bool isLanguageCoreSection(const QString &name, const QString &languageTag = QStringLiteral("RUST"));

// Parent of a second-language section: the heading without the tag if that is a section, else
// the longest word prefix of it that is a section, else the C section that co-owns most of the
// files the section matches (`coOwners`: section name -> number of shared files). Empty when
// none applies.
QString rollUpParent(const QString &name, const SubsystemMap &map,
                     const QHash<QString, int> &coOwners,
                     const QString &languageTag = QStringLiteral("RUST"));

} // namespace kl
