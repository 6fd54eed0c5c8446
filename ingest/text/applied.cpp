// "Applied" replies: b4 ty ("Applied, thanks!\n\n[1/2] subject\n      commit: 0123abcd") and the
// hand-written forms maintainers use ("Applied to linux-kbuild.", "Applied to `rust-next` --
// thanks everyone!", "Queued, thanks", "Thanks, applied to perf-tools.").
//
// Precision matters more than recall here (an applied notice marks a patch accepted), so a
// notice line must begin a sentence with a capital ("Applied ...", "Thanks, applied ..."), must
// not be a question, must not be quoted, and after the verb may only come the object ("series",
// "(1-4)", "this"), a destination ("to X", "into X") or the end of the sentence. "This applied
// cleanly", "It does not apply", "applied on top of v6.1 and tested" never fire.

#include <kernellens/ingest/mailtext.h>

#include "lines_p.h"

#include <QRegularExpression>

namespace kl::text {
namespace {

using detail::Line;

const QRegularExpression &noticeStart()
{
    // Optional "Thanks, " / "Thank you! " / "I've " before the verb. The verb must start with a
    // capital unless something precedes it.
    static const QRegularExpression re(QStringLiteral(
        "^(?:(?:So|OK|Ok|Now|Also),?\\s+)?"
        "(?:(?:(?:Thanks|Thank you|Thx)[,!.]*\\s+(?:I(?:'ve| have)?\\s+)?|(?:I(?:'ve| have)?|We(?:'ve| have)?)\\s+|(?:Patch|Series|The series|The patch)\\s+)"
        "(?<lverb>applied|queued|picked up|pushed|merged)|(?<verb>Applied|Queued|Picked up|Pushed|Merged|APPLIED))\\b(?<rest>.*)$"));
    return re;
}

const QRegularExpression &objectWords()
{
    // What may stand between the verb and the destination.
    static const QRegularExpression re(QStringLiteral(
        "^\\s*(?:\\([^)]*\\)|the\\s+whole\\s+series|the\\s+series|series|this|it|them|these|both|all|all\\s+patches|"
        "the\\s+patch(?:es)?|patch(?:es)?\\s+[\\d,\\s-]+(?:and\\s+\\d+)?|early|now|v\\d+|[\\d]+-[\\d]+)(?=[\\s,.!;:]|$)"),
        QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &destination()
{
    static const QRegularExpression re(QStringLiteral("^\\s*(?:to|into)(?:\\s+(?<where>.*))?$"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re;
}

const QRegularExpression &b4Entry()
{
    static const QRegularExpression re(QStringLiteral("^\\s*\\[(\\d{1,4})(?:/\\d{1,4})?\\]\\s+(.+?)\\s*$"));
    return re;
}

const QRegularExpression &b4Commit()
{
    // "      commit: 0123abcd", or the link form "      https://git.kernel.org/.../c/0123abcd"
    static const QRegularExpression re(QStringLiteral(
        "^\\s+(?:commit:\\s*(?<sha>[0-9a-f]{7,40})|https?://\\S+/(?:c|commit)/(?:\\?id=)?(?<lsha>[0-9a-f]{7,40}))\\s*$"));
    return re;
}

// The branch named after "to": `rust-next`, linux-kbuild/for-next, "arm64 (for-next/fixes)",
// "the kbuild tree". Stops at the end of the clause.
QString readBranch(QString where)
{
    where = where.trimmed();
    if (where.startsWith(u'`')) {
        const qsizetype close = where.indexOf(u'`', 1);
        if (close > 1)
            return where.mid(1, close - 1);
    }
    static const QRegularExpression clauseEnd(QStringLiteral("(?:[,!;]|\\.(?:\\s|$)|\\s+(?:--|\\x{2014}|\\x{2013}|-)\\s|\\s+(?:--|\\x{2014})$|\\s+(?:thanks|thank|with|for|so|as|early|now|because|after|and)\\b)"),
                                              QRegularExpression::CaseInsensitiveOption);
    const auto m = clauseEnd.match(where);
    if (m.hasMatch())
        where.truncate(m.capturedStart());
    where = where.trimmed();
    while (where.endsWith(u'.') || where.endsWith(u':'))
        where.chop(1);
    where.remove(u'`');
    where.remove(u'"');
    return where.trimmed();
}

// Whether `rest` (what follows the verb) ends the notice properly; fills `branch`.
bool acceptRest(QString rest, const QStringView nextLine, QString &branch)
{
    for (int guard = 0; guard < 4; ++guard) {
        const auto m = objectWords().match(rest);
        if (!m.hasMatch())
            break;
        rest = rest.mid(m.capturedLength());
    }
    if (const auto d = destination().match(rest); d.hasMatch()) {
        QString where = d.captured(u"where");
        if (where.trimmed().isEmpty())
            where = nextLine.trimmed().toString(); // "Applied to\n`rust-next` -- thanks!"
        branch = readBranch(where);
        // "applied to v6.14-rc7 and tested" names a base to test on, not a destination; a long
        // phrase after "to" is prose, not a branch.
        static const QRegularExpression versionBase(QStringLiteral("^v?\\d+\\.\\d+"));
        if (versionBase.match(branch).hasMatch() || branch.count(u' ') >= 3)
            return false;
        return !branch.isEmpty();
    }
    const QString t = rest.trimmed();
    if (t.isEmpty())
        return true;
    const QChar c = t[0];
    if (c == u',' || c == u'.' || c == u'!' || c == u';' || c == u':' || c == QChar(0x2014) || c == QChar(0x2013))
        return true;
    if (t.startsWith(u"--") || t.startsWith(u"- ") || t.startsWith(u"(") || t.startsWith(QLatin1String("thanks"), Qt::CaseInsensitive))
        return true;
    return false;
}

} // namespace

AppliedNotice parseAppliedNotice(const QString &ownText)
{
    AppliedNotice notice;
    // Most mail says nothing of the kind: look for the verbs before splitting into lines.
    // The verb stands near the start of its line ("So, thanks, I've applied"): test that window
    // for the stems before running the expression, which most lines would fail anyway.
    static const QStringList verbs = {QStringLiteral("pplied"), QStringLiteral("PPLIED"), QStringLiteral("ueued"),
                                      QStringLiteral("icked up"), QStringLiteral("ushed"), QStringLiteral("erged")};
    auto mentionsVerb = [](QStringView line) {
        line = line.left(48);
        // Every verb ends in "ed" (or "ED"): a plain scan rejects most lines without a search.
        bool ed = false;
        for (qsizetype i = 1; i < line.size() && !ed; ++i)
            ed = (line[i] == u'd' && line[i - 1] == u'e') || (line[i] == u'D' && line[i - 1] == u'E');
        if (!ed)
            return false;
        for (const QString &verb : verbs) {
            if (line.contains(verb))
                return true;
        }
        return false;
    };
    const QList<Line> lines = detail::splitLines(ownText);
    const qsizetype n = lines.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QStringView raw = lines[i].text;
        if (detail::isQuoted(raw))
            continue;
        const QStringView l = raw.trimmed();
        if (!notice.applied) {
            if (l.isEmpty() || l.endsWith(u'?') || !mentionsVerb(l))
                continue;
            const auto m = noticeStart().match(l);
            if (!m.hasMatch())
                continue;
            const QStringView next = i + 1 < n ? lines[i + 1].text : QStringView();
            QString branch;
            if (!acceptRest(m.captured(u"rest"), next, branch))
                continue;
            notice.applied = true;
            notice.branch = branch;
            continue;
        }
    }
    // b4's summary: "[1/2] subject" then an indented "commit: sha" (or a link ending in the sha).
    for (qsizetype i = 0; i + 1 < n; ++i) {
        if (!lines[i].text.trimmed().startsWith(u'['))
            continue;
        const auto e = b4Entry().match(lines[i].text);
        if (!e.hasMatch() || detail::isQuoted(lines[i].text))
            continue;
        const auto c = b4Commit().match(lines[i + 1].text);
        if (!c.hasMatch())
            continue;
        AppliedCommit commit;
        commit.index = e.captured(1).toInt();
        commit.subject = e.captured(2);
        commit.commit = c.captured(u"sha").isEmpty() ? c.captured(u"lsha") : c.captured(u"sha");
        notice.commits.append(commit);
        ++i;
    }
    if (!notice.commits.isEmpty())
        notice.applied = true;
    return notice;
}

QString changeId(const QString &text)
{
    // b4 writes "change-id: YYYYMMDD-topic-<12 hex>" in the cover letter's footer; Gerrit's
    // "Change-Id: I..." is something else and does not match the date.
    static const QRegularExpression re(QStringLiteral("^change-id:[ \\t]*(\\d{8}-\\S+)[ \\t]*$"),
                                       QRegularExpression::CaseInsensitiveOption);
    const QStringView all(text);
    // Find "hange-" case-sensitively (fast), then check the whole key at a line start.
    for (qsizetype stem = all.indexOf(u"hange-"); stem >= 0; stem = all.indexOf(u"hange-", stem + 1)) {
        const qsizetype at = stem - 1;
        if (at < 0 || (at > 0 && all[at - 1] != u'\n') || !all.mid(at).startsWith(u"change-id:", Qt::CaseInsensitive))
            continue;
        qsizetype end = all.indexOf(u'\n', at);
        if (end < 0)
            end = all.size();
        QStringView line = all.mid(at, end - at);
        if (line.endsWith(u'\r'))
            line.chop(1);
        const auto m = re.match(line);
        if (m.hasMatch())
            return m.captured(1);
    }
    return QString();
}

} // namespace kl::text
