// Patch mail subjects: "Re: [PATCH net-next v2 03/12] net: phy: add foo".
//
// Leading reply markers and bracket groups are peeled off in any order ("Re: [PATCH] Re: x",
// "[PATCH v2] [net] x"). A bracket counts as a patch bracket when one of its words is PATCH
// (also "PATCHv2"), RFC or RESEND; its other words are the version (v3), the numbering (2/7)
// and tags (net-next, 6.1.y, bpf-next). Words of other brackets ("[GIT PULL]", "[net]") are
// tags too. Subsystem prefixes ("rust: kernel: ") are read from the title that remains.

#include <kernellens/ingest/mailtext.h>

#include <QRegularExpression>

namespace kl::text {
namespace {

const QRegularExpression &replyMarker()
{
    // Re:, RE:, Aw:, Fwd:, Fw:, Sv:, Antw:, Odp:, Re[2]:, and the odd "Re :".
    static const QRegularExpression re(
        QStringLiteral("^(?:re|aw|fwd?|sv|antw|odp|vs|ynt|r)(?:\\[\\d+\\]|\\^\\d+)?\\s*:\\s*"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &prefixWord()
{
    // "rust:", "drm/nouveau:", "scripts/tags.sh:", "kbuild:", "x86/boot:", "net: phy:", "Documentation:".
    // A prefix has no spaces and is followed by whitespace; it is not a time, a URL or a number.
    // "kbuild, rust:" names two subsystems at once.
    static const QRegularExpression re(
        QStringLiteral("^([A-Za-z_][A-Za-z0-9_./*{}+\\-]*(?:,\\s?[A-Za-z_][A-Za-z0-9_./*{}+\\-]*){0,3}):\\s+"));
    return re;
}

const QRegularExpression &numbering()
{
    static const QRegularExpression re(QStringLiteral("^0*(\\d{1,4})/0*(\\d{1,4})$"));
    return re;
}

const QRegularExpression &versionWord()
{
    // "v3", "V3", "v2.1", and the odd "v2b" (a fixed-up v2).
    static const QRegularExpression re(QStringLiteral("^v(\\d{1,3})(?:\\.\\d+|[a-z])?$"), QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &patchWord()
{
    // "PATCH", "PATCHv2", "PATCH-v2", "PATCHES"
    static const QRegularExpression re(QStringLiteral("^patch(?:es)?(?:-?v(\\d{1,3}))?$"), QRegularExpression::CaseInsensitiveOption);
    return re;
}

QString collapseSpaces(const QString &in)
{
    return in.simplified();
}

// Applies one bracket's words to `info`. Returns true when the bracket was a patch bracket.
bool readBracket(const QString &content, SubjectInfo &info)
{
    static const QRegularExpression separators(QStringLiteral("[\\s,]+"));
    const QStringList words = content.split(separators, Qt::SkipEmptyParts);
    bool patch = false;
    for (const QString &w : words) {
        const QString lower = w.toLower();
        if (lower == u"rfc" || lower.startsWith(u"rfc-v") || (lower.startsWith(u"rfcv") && lower.size() > 4)) {
            patch = true;
            info.isRfc = true;
            const qsizetype v = lower.indexOf(u'v');
            if (v > 0) {
                bool ok = false;
                const int version = lower.mid(v + 1).toInt(&ok);
                if (ok && version > 0)
                    info.version = version;
            }
        } else if (lower == u"resend") {
            patch = true;
            info.isResend = true;
        } else if (const auto m = patchWord().match(w); m.hasMatch()) {
            patch = true;
            if (m.hasCaptured(1))
                info.version = m.captured(1).toInt();
        }
    }
    if (!patch) {
        for (const QString &w : words)
            info.tags.append(w);
        return false;
    }
    for (const QString &w : words) {
        const QString lower = w.toLower();
        if (lower == u"rfc" || lower == u"resend" || patchWord().match(w).hasMatch()
            || lower.startsWith(u"rfc-v") || (lower.startsWith(u"rfcv") && lower.size() > 4))
            continue;
        if (const auto m = versionWord().match(w); m.hasMatch()) {
            info.version = m.captured(1).toInt();
        } else if (const auto n = numbering().match(w); n.hasMatch()) {
            info.index = n.captured(1).toInt();
            info.total = n.captured(2).toInt();
        } else {
            info.tags.append(w);
        }
    }
    return true;
}

} // namespace

SubjectInfo parseSubject(const QString &subject)
{
    SubjectInfo info;
    QString rest = collapseSpaces(subject);
    bool changed = true;
    while (changed && !rest.isEmpty()) {
        changed = false;
        if (const auto m = replyMarker().match(rest); m.hasMatch()) {
            // "R: " only as a reply marker when followed by something that looks like a subject,
            // "Re:" always; "Fwd:" is reported as a reply too (it answers another mail).
            info.isReply = true;
            rest = rest.mid(m.capturedLength()).trimmed();
            changed = true;
            continue;
        }
        // b4 ty answers part of a series with "Re: (subset) [PATCH ...]".
        if (rest.startsWith(u"(subset)")) {
            rest = rest.mid(8).trimmed();
            changed = true;
            continue;
        }
        if (rest.startsWith(u'[')) {
            const qsizetype close = rest.indexOf(u']');
            if (close < 0)
                break;
            const QString content = rest.mid(1, close - 1);
            if (readBracket(content, info))
                info.isPatch = true;
            rest = rest.mid(close + 1).trimmed();
            changed = true;
            continue;
        }
        // A patch tag without brackets, as some old scripts send: "PATCH v2 1/3: foo", "PATCHv2 foo".
        if (!info.isPatch) {
            static const QRegularExpression bare(
                QStringLiteral("^(PATCH(?:v\\d{1,3})?(?:\\s+v\\d{1,3})?(?:\\s+\\d{1,4}/\\d{1,4})?)(?::\\s*|\\s+)"));
            if (const auto m = bare.match(rest); m.hasMatch()) {
                readBracket(m.captured(1), info);
                info.isPatch = true;
                rest = rest.mid(m.capturedLength()).trimmed();
                changed = true;
            }
        }
    }
    if (info.index > info.total) {
        // "[PATCH 3/2]" happens; keep the numbers sane for callers that index arrays by them.
        info.total = info.index;
    }
    info.title = rest;

    QString tail = rest;
    while (info.prefixes.size() < 8) {
        const auto m = prefixWord().match(tail);
        if (!m.hasMatch())
            break;
        const QString word = m.captured(1);
        // "http:", "Note:" in prose titles are rare; times ("10:00") never match the pattern.
        if (word.compare(u"http", Qt::CaseInsensitive) == 0 || word.compare(u"https", Qt::CaseInsensitive) == 0)
            break;
        for (const QString &part : word.split(u',', Qt::SkipEmptyParts))
            info.prefixes.append(part.trimmed().toLower());
        tail = tail.mid(m.capturedLength());
    }
    info.normalized = rest.toCaseFolded().simplified();
    return info;
}

} // namespace kl::text
