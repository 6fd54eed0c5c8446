// Release series from tag names (kernellens/ingest/release_series.h, docs/git.md).
//
// Two conventions are recognised from the tag shape:
//  - NetBSD's netbsd-X-Y[-Z]-RELEASE|RCn|BETAn: X-0 is a major (feature) release; X-Y and X-Y-Z
//    are maintenance and security releases of the netbsd-X branch, in NetBSD's own words.
//  - Dotted (or _/- separated) version numbers after any prefix (v6.12, v2.55.0, liburing-2.4,
//    release/14.0.0, REL_16_2), with an optional letter (v0.99.7a) and a pre-release suffix
//    (-rc4, -rc, rc1, -beta2, -pre). A final tag is a maintenance release when
//     (a) a shorter version that it extends is also a tag: v6.12.3 (v6.12), v2.6.32.1 (v2.6.32),
//         v0.99.7a (v0.99.7); or
//     (b) it has three or more numbers, the last is not 0, and the same version ending in .0 is
//         a tag: v2.55.1 (v2.55.0), release/13.2.1 (release/13.2.0).
//    Otherwise it is a feature release: v6.12, v2.6.32 (no v2.6 tag), v2.55.0, release/14.1.0
//    (FreeBSD's minor releases carry new features from stable/14), liburing-2.4.
// Tags with different prefixes are never compared (v1.0 and liburing-1.0 are unrelated).

#include <kernellens/ingest/release_series.h>

#include <QHash>
#include <QRegularExpression>

#include <algorithm>

namespace kl::ingest {

namespace {

struct ParsedTag
{
    bool parsed = false;
    bool netbsd = false;
    bool candidate = false;
    QString scheme;           // the prefix, case-folded: "v", "liburing-", "release/"
    QList<int> numbers;       // a letter suffix is one more number: 7a -> 7, 1
};

QList<int> numbersOf(const QString &text)
{
    static const QRegularExpression separator(QStringLiteral("[._-]"));
    QList<int> numbers;
    for (const QString &part : text.split(separator, Qt::SkipEmptyParts))
        numbers.append(part.toInt());
    return numbers;
}

ParsedTag parseTag(const QString &tag)
{
    static const QRegularExpression netbsd(
        QStringLiteral("^netbsd-(\\d+(?:-\\d+)*)-(release|rc\\d*|beta\\d*|alpha\\d*)$"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression dotted(
        QStringLiteral("^(\\D*?)(\\d+(?:[._-]\\d+)*)([a-z])?(?:[-._]?(rc|beta|alpha|pre|preview)[-._]?\\d*)?$"),
        QRegularExpression::CaseInsensitiveOption);
    ParsedTag parsed;
    if (auto m = netbsd.match(tag); m.hasMatch()) {
        parsed.parsed = parsed.netbsd = true;
        parsed.scheme = QStringLiteral("netbsd-");
        parsed.numbers = numbersOf(m.captured(1));
        parsed.candidate = m.captured(2).compare(QLatin1String("release"), Qt::CaseInsensitive) != 0;
        return parsed;
    }
    if (auto m = dotted.match(tag); m.hasMatch()) {
        parsed.parsed = true;
        parsed.scheme = m.captured(1).toCaseFolded();
        parsed.numbers = numbersOf(m.captured(2));
        if (m.hasCaptured(3) && !m.captured(3).isEmpty())
            parsed.numbers.append(m.captured(3).toLower().at(0).unicode() - 'a' + 1);
        parsed.candidate = m.hasCaptured(4) && !m.captured(4).isEmpty();
    }
    return parsed;
}

QString versionKey(const QString &scheme, const QList<int> &numbers)
{
    QString key = scheme;
    for (int n : numbers)
        key += QLatin1Char('.') + QString::number(n);
    return key;
}

bool allZeroAfterFirst(const QList<int> &numbers)
{
    return std::all_of(numbers.begin() + 1, numbers.end(), [](int n) { return n == 0; });
}

// The final tag a maintenance release belongs to, or -1 when it is a feature release.
int parentOf(const ParsedTag &tag, const QHash<QString, int> &finals)
{
    const QList<int> &n = tag.numbers;
    if (tag.netbsd) {
        if (allZeroAfterFirst(n))
            return -1;
        for (qsizetype length = 1; length <= n.size(); ++length) {   // netbsd-9 or netbsd-9-0
            QList<int> base(length, 0);
            base[0] = n[0];
            if (auto it = finals.constFind(versionKey(tag.scheme, base)); it != finals.cend())
                return *it;
        }
        return -2;   // maintenance, but its major release is not a tag
    }
    for (qsizetype length = n.size() - 1; length >= 1; --length)       // rule (a)
        if (auto it = finals.constFind(versionKey(tag.scheme, n.mid(0, length))); it != finals.cend())
            return *it;
    if (n.size() >= 3 && n.last() != 0) {                              // rule (b)
        QList<int> base = n;
        base.last() = 0;
        if (auto it = finals.constFind(versionKey(tag.scheme, base)); it != finals.cend())
            return *it;
    }
    return -1;
}

// The final release a candidate leads to: the same version, or with a trailing .0 added or
// dropped (git's v1.0rc1 became v1.0.0).
int finalOfCandidate(const ParsedTag &tag, const QHash<QString, int> &finals)
{
    QList<int> trimmed = tag.numbers;
    while (trimmed.size() > 1 && trimmed.last() == 0)
        trimmed.removeLast();
    for (const QList<int> &n : {tag.numbers, QList<int>(tag.numbers) << 0, trimmed})
        if (auto it = finals.constFind(versionKey(tag.scheme, n)); it != finals.cend())
            return *it;
    return -1;
}

} // namespace

QString releaseKindName(ReleaseKind kind)
{
    switch (kind) {
    case ReleaseKind::Feature: return QStringLiteral("feature");
    case ReleaseKind::Maintenance: return QStringLiteral("maintenance");
    case ReleaseKind::Candidate: return QStringLiteral("candidate");
    }
    return {};
}

QList<ReleaseClass> classifyReleaseTags(const QStringList &tags)
{
    QList<ParsedTag> parsed;
    QHash<QString, int> finals;
    for (const QString &tag : tags) {
        parsed.append(parseTag(tag));
        const ParsedTag &p = parsed.last();
        if (p.parsed && !p.candidate)
            finals.insert(versionKey(p.scheme, p.numbers), int(parsed.size() - 1));
    }
    QList<ReleaseClass> classes(tags.size());
    QList<int> parent(tags.size(), -1);
    for (int i = 0; i < tags.size(); ++i) {
        const ParsedTag &p = parsed[i];
        if (!p.parsed) {
            classes[i] = {ReleaseKind::Feature, i};
        } else if (p.candidate) {
            classes[i].kind = ReleaseKind::Candidate;
        } else {
            parent[i] = parentOf(p, finals);
            classes[i].kind = parent[i] == -1 ? ReleaseKind::Feature : ReleaseKind::Maintenance;
        }
    }
    // A NetBSD maintenance release without its major release: the earliest of its branch stands in.
    QHash<QString, int> earliestOfBranch;
    for (int i = 0; i < tags.size(); ++i) {
        if (parent[i] != -2)
            continue;
        const QString branch = versionKey(parsed[i].scheme, parsed[i].numbers.mid(0, 1));
        auto it = earliestOfBranch.find(branch);
        if (it == earliestOfBranch.end() || parsed[i].numbers < parsed[*it].numbers)
            earliestOfBranch.insert(branch, i);
    }
    auto rollupOfFinal = [&](int i) {
        for (int hops = 0; hops < tags.size() && parent[i] >= 0; ++hops)
            i = parent[i];
        if (parent[i] == -2)
            return earliestOfBranch.value(versionKey(parsed[i].scheme, parsed[i].numbers.mid(0, 1)), i);
        return i;
    };
    for (int i = 0; i < tags.size(); ++i) {
        const ParsedTag &p = parsed[i];
        if (!p.parsed)
            continue;
        if (!p.candidate) {
            classes[i].rollup = rollupOfFinal(i);
        } else if (int final = finalOfCandidate(p, finals); final >= 0) {
            classes[i].rollup = rollupOfFinal(final);
        }
    }
    return classes;
}

} // namespace kl::ingest
