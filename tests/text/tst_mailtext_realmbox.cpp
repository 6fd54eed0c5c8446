// Every text parser over every message of the real linux-kbuild Rust mbox: no crash, sane
// invariants, and counts printed so a change in behaviour shows. GMime decodes the messages
// here (MIME, charsets, RFC 2047) so the parsers see what mail ingest will give them.

#include <kernellens/ingest/mailtext.h>

#include <gmime/gmime.h>

#include <fcntl.h>

#include <QElapsedTimer>
#include <QFileInfo>
#include <QMap>
#include <QRegularExpression>
#include <QTest>

using namespace kl::text;

namespace {

struct Message
{
    QString subject;
    QString body;
};

// The first text/plain part, decoded to UTF-8; empty when there is none.
QString plainText(GMimeObject *part)
{
    if (!part)
        return QString();
    if (GMIME_IS_MULTIPART(part)) {
        GMimeMultipart *mp = GMIME_MULTIPART(part);
        const int count = g_mime_multipart_get_count(mp);
        for (int i = 0; i < count; ++i) {
            const QString text = plainText(g_mime_multipart_get_part(mp, i));
            if (!text.isEmpty())
                return text;
        }
        return QString();
    }
    if (GMIME_IS_MESSAGE_PART(part))
        return QString();
    if (GMIME_IS_TEXT_PART(part)) {
        GMimeContentType *type = g_mime_object_get_content_type(part);
        if (!g_mime_content_type_is_type(type, "text", "plain"))
            return QString();
        char *text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
        const QString out = QString::fromUtf8(text ? text : "");
        g_free(text);
        return out;
    }
    return QString();
}

QList<Message> readMbox(const QString &path)
{
    QList<Message> messages;
    GError *error = nullptr;
    GMimeStream *stream = g_mime_stream_fs_open(QFile::encodeName(path).constData(), O_RDONLY, 0, &error);
    if (!stream) {
        if (error)
            g_error_free(error);
        return messages;
    }
    GMimeParser *parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
    while (!g_mime_parser_eos(parser)) {
        GMimeMessage *message = g_mime_parser_construct_message(parser, nullptr);
        if (!message)
            break;
        Message m;
        m.subject = QString::fromUtf8(g_mime_message_get_subject(message));
        m.body = plainText(g_mime_message_get_mime_part(message));
        messages.append(m);
        g_object_unref(message);
    }
    g_object_unref(parser);
    g_object_unref(stream);
    return messages;
}

} // namespace

class TestMailTextRealMbox : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyParserOnEveryMessage();
    void truncatedAndMangledBodies();

private:
    QList<Message> m_messages;
};

void TestMailTextRealMbox::initTestCase()
{
    const QString path = QStringLiteral(KERNELLENS_SHARED_DATA "/linux-kbuild-rust.mbox");
    if (!QFileInfo::exists(path))
        QSKIP("the real mbox is not there");
    g_mime_init();
    m_messages = readMbox(path);
    QCOMPARE(m_messages.size(), 2672);
}

void TestMailTextRealMbox::everyParserOnEveryMessage()
{
    QElapsedTimer timer;
    timer.start();
    int patches = 0, covers = 0, replies = 0, rfc = 0, resend = 0, withDiff = 0, diffFiles = 0, rustFiles = 0;
    int binaryFiles = 0, created = 0, deleted = 0, renamed = 0, withSignature = 0, withQuote = 0, changeIds = 0;
    int applied = 0, appliedWithBranch = 0, b4Commits = 0, replyTrailers = 0;
    int withDiffstat = 0, diffstatMismatches = 0;
    qint64 added = 0, removed = 0;
    QMap<QString, int> trailerKinds;
    QMap<QString, int> branches;
    QMap<QString, int> prefixes;

    for (const Message &m : std::as_const(m_messages)) {
        const SubjectInfo subject = parseSubject(m.subject);
        QVERIFY(subject.version >= 1);
        QVERIFY(subject.index >= 0 && subject.total >= 0);
        QVERIFY2(subject.index <= subject.total, qPrintable(m.subject));
        QVERIFY(!subject.title.contains(u'\n'));
        if (subject.isReply)
            ++replies;
        if (subject.isPatch && !subject.isReply) {
            ++patches;
            if (subject.total > 0 && subject.index == 0)
                ++covers;
            rfc += subject.isRfc ? 1 : 0;
            resend += subject.isResend ? 1 : 0;
            if (!subject.prefixes.isEmpty())
                ++prefixes[subject.prefixes.first()];
        }

        const SplitBody split = splitQuoted(m.body);
        QVERIFY(split.own.size() + split.quoted.size() + split.signature.size() <= m.body.size() + m.body.count(u'\n') + 2);
        for (const QStringView line : QStringView(split.own).split(u'\n'))
            QVERIFY2(!line.startsWith(u'>'), qPrintable(m.subject + u" | " + line));
        withSignature += split.signature.isEmpty() ? 0 : 1;
        withQuote += split.quoted.isEmpty() ? 0 : 1;

        const DiffInfo diff = parseDiff(m.body);
        QVERIFY(diff.added >= 0 && diff.removed >= 0);
        QVERIFY(diff.start >= -1 && diff.start < qMax<qsizetype>(m.body.size(), 1));
        QCOMPARE(diff.files.isEmpty(), diff.start < 0);
        int fileAdded = 0, fileRemoved = 0;
        for (const FileDiff &f : diff.files) {
            QVERIFY(f.added >= 0 && f.removed >= 0);
            QVERIFY2(!f.path.isEmpty(), qPrintable(m.subject));
            fileAdded += f.added;
            fileRemoved += f.removed;
            rustFiles += f.path.endsWith(QLatin1String(".rs")) ? 1 : 0;
            binaryFiles += f.binary ? 1 : 0;
            created += f.created ? 1 : 0;
            deleted += f.deleted ? 1 : 0;
            renamed += (!f.oldPath.isEmpty() && f.oldPath != f.path) ? 1 : 0;
        }
        QCOMPARE(fileAdded, diff.added);
        // format-patch's diffstat summary is a second count of the same diff: compare.
        static const QRegularExpression summary(QStringLiteral(
            "^ (\\d+) files? changed(?:, (\\d+) insertions?\\(\\+\\))?(?:, (\\d+) deletions?\\(-\\))?$"),
            QRegularExpression::MultilineOption);
        if (const auto stat = summary.match(m.body); stat.hasMatch() && diff.start > stat.capturedStart()) {
            ++withDiffstat;
            if (stat.captured(1).toInt() != diff.files.size() || stat.captured(2).toInt() != diff.added
                || stat.captured(3).toInt() != diff.removed) {
                ++diffstatMismatches;
                qInfo("diffstat differs: %s: stat %s, parsed %lld files +%d -%d", qPrintable(m.subject),
                      qPrintable(stat.captured(0).trimmed()), qlonglong(diff.files.size()), diff.added, diff.removed);
            }
        }
        QCOMPARE(fileRemoved, diff.removed);
        if (!diff.files.isEmpty())
            ++withDiff;
        diffFiles += int(diff.files.size());
        added += diff.added;
        removed += diff.removed;

        const QList<Trailer> trailers = parseTrailers(split.own);
        for (const Trailer &t : trailers) {
            QVERIFY(!t.key.isEmpty());
            QVERIFY(!t.value.isEmpty());
            QVERIFY(!t.email.contains(u' ') || t.email.contains(QLatin1String(" at ")));
            ++trailerKinds[t.key];
            if (subject.isReply)
                ++replyTrailers;
        }

        if (subject.isReply) {
            const AppliedNotice notice = parseAppliedNotice(split.own);
            if (notice.applied) {
                ++applied;
                if (!notice.branch.isEmpty()) {
                    ++appliedWithBranch;
                    ++branches[notice.branch];
                }
            }
            for (const AppliedCommit &c : notice.commits) {
                QVERIFY(c.index >= 0);
                QVERIFY(!c.commit.isEmpty());
                ++b4Commits;
            }
        }
        changeIds += changeId(m.body).isEmpty() ? 0 : 1;
    }

    qInfo("messages %lld, parsed in %lld ms", qlonglong(m_messages.size()), qlonglong(timer.elapsed()));
    qInfo("subjects: %d patches (%d cover letters, %d RFC, %d RESEND), %d replies", patches, covers, rfc, resend, replies);
    qInfo("diffs: %d messages with a diff, %d files (%d .rs, %d binary, %d new, %d deleted, %d renamed), +%lld -%lld lines",
          withDiff, diffFiles, rustFiles, binaryFiles, created, deleted, renamed, qlonglong(added), qlonglong(removed));
    qInfo("diffstat cross-check: %d of %d diffs differ from their format-patch summary", diffstatMismatches, withDiffstat);
    qInfo("quotes: %d messages quote, %d have a signature", withQuote, withSignature);
    QStringList kinds;
    for (auto it = trailerKinds.cbegin(); it != trailerKinds.cend(); ++it)
        kinds << it.key() + u'=' + QString::number(it.value());
    qInfo("trailers: %s; %d in replies", qPrintable(kinds.join(u", ")), replyTrailers);
    QStringList where;
    for (auto it = branches.cbegin(); it != branches.cend(); ++it)
        where << it.key() + u'=' + QString::number(it.value());
    qInfo("applied notices: %d (%d naming a branch: %s), %d b4 commits; change-ids: %d", applied, appliedWithBranch,
          qPrintable(where.join(u", ")), b4Commits, changeIds);
    QStringList top;
    for (auto it = prefixes.cbegin(); it != prefixes.cend(); ++it) {
        if (it.value() >= 20)
            top << it.key() + u'=' + QString::number(it.value());
    }
    qInfo("first subject prefix of patches (>=20): %s", qPrintable(top.join(u", ")));

    // Loose floors from the archive itself (grep counts): they catch a parser that stops finding things.
    QVERIFY(patches > 500);
    QVERIFY(withDiff > 400);
    QVERIFY(trailerKinds.value(QStringLiteral("Signed-off-by")) > 500);
    QVERIFY(trailerKinds.value(QStringLiteral("Reviewed-by")) > 200);
    QVERIFY(applied >= 30);
    QVERIFY(withDiffstat > 300);
    QVERIFY2(diffstatMismatches * 50 <= withDiffstat, "more than 2% of diffs disagree with their diffstat");
}

// Mail is hostile input: cut bodies anywhere (inside hunks, attributions, trailers), drop the
// line breaks, double the quote markers; the parsers must keep their invariants.
void TestMailTextRealMbox::truncatedAndMangledBodies()
{
    int variants = 0;
    for (qsizetype i = 0; i < m_messages.size(); i += 7) {
        const QString &body = m_messages[i].body;
        QStringList mangled;
        for (int cut = 1; cut <= 5; ++cut)
            mangled << body.left(body.size() * cut / 6);
        QString noBreaks = body;
        noBreaks.replace(u'\n', u'\r');
        mangled << noBreaks;
        QString requoted = body;
        requoted.replace(QLatin1String("\n"), QLatin1String("\n> "));
        mangled << requoted;
        QString bareHunks = body;
        bareHunks.replace(QLatin1String("\n "), QLatin1String("\n"));
        mangled << bareHunks;
        for (const QString &text : std::as_const(mangled)) {
            ++variants;
            const DiffInfo diff = parseDiff(text);
            QVERIFY(diff.added >= 0 && diff.removed >= 0);
            QVERIFY(diff.start < qMax<qsizetype>(text.size(), 1));
            const SplitBody split = splitQuoted(text);
            QVERIFY(split.own.size() <= text.size() + text.count(u'\n') + 1);
            for (const Trailer &t : parseTrailers(text))
                QVERIFY(!t.key.isEmpty());
            const AppliedNotice notice = parseAppliedNotice(text);
            for (const AppliedCommit &c : notice.commits)
                QVERIFY(!c.commit.isEmpty());
            (void)changeId(text);
            const SubjectInfo subject = parseSubject(text.left(200));
            QVERIFY(subject.index <= subject.total);
        }
    }
    qInfo("%d mangled variants parsed", variants);
}

QTEST_GUILESS_MAIN(TestMailTextRealMbox)
#include "tst_mailtext_realmbox.moc"
