// GMime-based parsing of single messages: headers, charsets, MIME structure, fallbacks.

#include "mail/mail_parse.h"
#include "mail/mail_sources.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTest>

using namespace kl::mail;

namespace {

QByteArray fixture(const QString &name)
{
    QFile f(QStringLiteral(KERNELLENS_FIXTURES "/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

QStringList warningKinds(const ParsedMessage &pm)
{
    QStringList kinds;
    for (const auto &w : pm.warnings)
        kinds << w.kind;
    return kinds;
}

QStringList warningMessages(const ParsedMessage &pm, const QString &kind)
{
    QStringList messages;
    for (const auto &w : pm.warnings)
        if (w.kind == kind)
            messages << w.message;
    return messages;
}

} // namespace

class TestMailParse : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void headersAndCharsets_data();
    void headersAndCharsets();
    void missingMessageIdIsSyntheticAndStable();
    void attachedPatchIsFound();
    void referencesEndWithInReplyTo();
    void headerEncodingWarnings_data();
    void headerEncodingWarnings();
    void nulInMessageIdIsKeptVisible();
    void decodeText_data();
    void decodeText();
    void mboxUnescape_data();
    void mboxUnescape();
    void mboxFormatDetection();
};

void TestMailParse::headersAndCharsets_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("messageId");
    QTest::addColumn<QString>("fromName");
    QTest::addColumn<QString>("subject");
    QTest::addColumn<QString>("bodyContains");
    QTest::addColumn<QString>("warning");   // a kind that must be present, or empty for none

    QTest::newRow("rfc2047 utf-8 B and Q, iso-8859-1 Q")
        << "rfc2047.eml" << "rfc2047@example.org" << QStringLiteral("Miguel Ojeda")
        << QStringLiteral("Re: [PATCH] rust: café naïve") << "body" << QString();
    QTest::newRow("latin-1 body and 8-bit subject")
        << "latin1.eml" << "latin1@example.org" << QStringLiteral("Jörg")
        << QStringLiteral("café") << QStringLiteral("Grüße aus Köln") << QString();
    QTest::newRow("declared utf-8, invalid bytes")
        << "bad-utf8.eml" << "badutf8@example.org" << "Eve" << "broken"
        << QStringLiteral("ok \uFFFD") << "bad-charset";
    QTest::newRow("unknown charset keeps the text")
        << "unknown-charset.eml" << "unknown@example.org" << "Eve" << "unknown"
        << "plain text survives" << "unknown-charset";
    QTest::newRow("no headers at all")
        << "no-headers.eml" << QString() << QString() << QString() << QString() << "no-message-id";
}

void TestMailParse::headersAndCharsets()
{
    QFETCH(QString, file);
    QFETCH(QString, messageId);
    QFETCH(QString, fromName);
    QFETCH(QString, subject);
    QFETCH(QString, bodyContains);
    QFETCH(QString, warning);

    const ParsedMessage pm = parseMessage(fixture(file));
    if (!messageId.isEmpty())
        QCOMPARE(pm.messageId, messageId);
    QCOMPARE(pm.from.name, fromName);
    QCOMPARE(pm.subject, subject);
    QVERIFY2(pm.body.contains(bodyContains), qPrintable(pm.body));
    const QStringList kinds = warningKinds(pm);
    if (warning.isEmpty())
        QVERIFY2(kinds.isEmpty(), qPrintable(kinds.join(QLatin1Char(','))));
    else
        QVERIFY2(kinds.contains(warning), qPrintable(kinds.join(QLatin1Char(','))));
}

void TestMailParse::missingMessageIdIsSyntheticAndStable()
{
    const ParsedMessage a = parseMessage(fixture(QStringLiteral("no-headers.eml")));
    const ParsedMessage b = parseMessage(fixture(QStringLiteral("no-headers.eml")));
    QVERIFY(a.syntheticId);
    QVERIFY(a.messageId.endsWith(QLatin1String("@synthetic.invalid")));
    QCOMPARE(a.messageId, b.messageId);
    QVERIFY(!a.hasDate);
}

void TestMailParse::attachedPatchIsFound()
{
    const ParsedMessage pm = parseMessage(fixture(QStringLiteral("patch-attached.eml")));
    QVERIFY(pm.subjectInfo.isPatch);
    QVERIFY(pm.body.contains(QLatin1String("Patch attached.")));
    QCOMPARE(pm.diff.files.size(), 1);
    QCOMPARE(pm.diff.files.first().path, QStringLiteral("scripts/Makefile.build"));
    QCOMPARE(pm.diff.added, 1);
    QCOMPARE(pm.diff.removed, 1);
    QVERIFY(pm.attachments.contains(QStringLiteral("0001-fix.patch")));
    QVERIFY(!pm.prose.contains(QLatin1String("diff --git")));
}

void TestMailParse::referencesEndWithInReplyTo()
{
    const QByteArray raw = "From: a@example.org\nMessage-ID: <c@x>\nIn-Reply-To: <b@x>\n"
                           "References: <b@x> <a@x> <c@x>\nSubject: Re: t\n\nbody\n";
    const ParsedMessage pm = parseMessage(raw);
    QCOMPARE(pm.inReplyTo, QStringLiteral("b@x"));
    // Own id dropped (self-reference), parent last.
    QCOMPARE(pm.references, (QStringList{QStringLiteral("a@x"), QStringLiteral("b@x")}));
    QVERIFY(pm.isReply);
}

void TestMailParse::headerEncodingWarnings_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("kind");      // expected warning kind, empty for none
    QTest::addColumn<QString>("field");     // the field the warning must name

    QTest::newRow("x-unknown Q word, 8-bit") << QByteArray("Subject: =?x-unknown?Q?caf=E9?=")
                                             << "unknown-charset" << "Subject";
    QTest::newRow("x-unknown, ascii only") << QByteArray("Subject: =?x-unknown?Q?plain?=") << QString() << QString();
    QTest::newRow("charset iconv does not know") << QByteArray("From: =?x-no-such?B?RXZl?= <eve@example.org>")
                                                 << "unknown-charset" << "From";
    QTest::newRow("invalid utf-8 bytes") << QByteArray("Subject: =?utf-8?Q?a=FFb?=")
                                         << "bad-encoded-word" << "Subject";
    QTest::newRow("invalid shift_jis bytes") << QByteArray("Cc: =?shift_jis?Q?a=81=20b?= <c@example.org>")
                                             << "bad-encoded-word" << "Cc";
    QTest::newRow("8-bit declared us-ascii") << QByteArray("Subject: =?us-ascii?Q?caf=E9?=")
                                             << "bad-encoded-word" << "Subject";
    QTest::newRow("bad base64") << QByteArray("Subject: x =?utf-8?B?Y*Fm?= y") << "bad-encoded-word" << "Subject";
    QTest::newRow("bad Q escape") << QByteArray("To: =?utf-8?Q?a=G1?= <t@example.org>")
                                  << "bad-encoded-word" << "To";
    // RFC 2047 6.3 forbids it, and GMime does not mend it: the subject is stored as "caf?".
    QTest::newRow("a character split across two words") << QByteArray("Subject: =?utf-8?B?Y2Fmww==?=\n =?utf-8?B?qQ==?=")
                                                         << "bad-encoded-word" << "Subject";
    QTest::newRow("valid words, unpadded base64") << QByteArray("Subject: =?UTF-8?B?Y2Fmw6k?= =?ISO-8859-1*fr?Q?_na=EFve?=")
                                                  << QString() << QString();
}

void TestMailParse::headerEncodingWarnings()
{
    QFETCH(QByteArray, header);
    QFETCH(QString, kind);
    QFETCH(QString, field);
    const QByteArray raw = "Message-ID: <ew@example.org>\nDate: Wed, 03 Jan 2024 09:00:00 +0000\n"
                           + (header.startsWith("From:") ? QByteArray() : QByteArray("From: a@example.org\n"))
                           + header + "\n\nbody\n";
    const ParsedMessage pm = parseMessage(raw);
    QStringList found;
    for (const auto &w : pm.warnings) {
        if (w.kind == QLatin1String("unknown-charset") || w.kind == QLatin1String("bad-encoded-word"))
            found << w.kind + QLatin1Char(' ') + w.message;
    }
    if (kind.isEmpty()) {
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
        return;
    }
    QCOMPARE(found.size(), 1);
    QVERIFY2(found.first().startsWith(kind + QLatin1Char(' ') + field + QLatin1String(": ")), qPrintable(found.first()));
    QVERIFY2(found.first().contains(QLatin1String("<ew@example.org>")), qPrintable(found.first()));
}

void TestMailParse::nulInMessageIdIsKeptVisible()
{
    const QByteArray parent("From: a@example.org\nMessage-ID: <nul\0id@example.org>\nSubject: p\n\nbody \0 x\n", 74);
    QVERIFY(parent.contains('\0'));
    const ParsedMessage p = parseMessage(parent);
    const QString id = QStringLiteral("nul\u2400id@example.org");
    QCOMPARE(p.messageId, id);
    QVERIFY(!p.syntheticId);
    QCOMPARE(p.contentHash, QCryptographicHash::hash(parent, QCryptographicHash::Sha1));
    const QStringList parentWarnings = warningMessages(p, QStringLiteral("nul-in-header"));
    QCOMPARE(parentWarnings.size(), 1);
    QVERIFY2(parentWarnings.first().startsWith(QLatin1String("Message-ID: ")), qPrintable(parentWarnings.first()));

    const QByteArray reply("From: b@example.org\nMessage-ID: <r@example.org>\nIn-Reply-To: <nul\0id@example.org>\n"
                           "References: <root@example.org>\n <nul\0id@example.org>\nSubject: Re: p\n\nok\n", 154);
    const ParsedMessage r = parseMessage(reply);
    QCOMPARE(r.inReplyTo, id);
    QCOMPARE(r.references, (QStringList{QStringLiteral("root@example.org"), id}));
    const QStringList replyWarnings = warningMessages(r, QStringLiteral("nul-in-header"));
    QCOMPARE(replyWarnings.size(), 2);   // In-Reply-To and References, each named
    QVERIFY2(replyWarnings[0].startsWith(QLatin1String("In-Reply-To: ")), qPrintable(replyWarnings[0]));
    QVERIFY2(replyWarnings[1].startsWith(QLatin1String("References: ")), qPrintable(replyWarnings[1]));
}

void TestMailParse::decodeText_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("charset");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("warning");

    QTest::newRow("utf-8") << QByteArray("gr\xc3\xbc\xc3\x9f") << QByteArray("UTF-8")
                           << QStringLiteral("grüß") << QString();
    QTest::newRow("latin-1") << QByteArray("gr\xfc\xdf") << QByteArray("ISO-8859-1")
                             << QStringLiteral("grüß") << QString();
    QTest::newRow("windows-1252 via iconv") << QByteArray("\x93quoted\x94") << QByteArray("windows-1252")
                                            << QStringLiteral("\u201Cquoted\u201D") << QString();
    QTest::newRow("koi8-r") << QByteArray("\xf0\xd2\xc9\xd7\xc5\xd4") << QByteArray("koi8-r")
                            << QStringLiteral("Привет") << QString();
    QTest::newRow("undeclared 8-bit is latin-1") << QByteArray("caf\xe9") << QByteArray()
                                                 << QStringLiteral("café") << QString();
    QTest::newRow("bad utf-8") << QByteArray("a\xff" "b") << QByteArray("utf-8")
                               << QStringLiteral("a\uFFFDb") << QStringLiteral("bad-charset");
    QTest::newRow("x-unknown with 8-bit text") << QByteArray("caf\xc3\xa9") << QByteArray("x-unknown")
                                               << QStringLiteral("café") << QStringLiteral("unknown-charset");
    QTest::newRow("unknown-8bit, not utf-8") << QByteArray("caf\xe9") << QByteArray("unknown-8bit")
                                             << QStringLiteral("café") << QStringLiteral("unknown-charset");
    QTest::newRow("x-unknown, plain ascii") << QByteArray("abc") << QByteArray("x-unknown")
                                            << QStringLiteral("abc") << QString();
    QTest::newRow("unknown charset") << QByteArray("abc") << QByteArray("x-bogus")
                                     << QStringLiteral("abc") << QStringLiteral("unknown-charset");
    QTest::newRow("invalid shift_jis sequence") << QByteArray("a\x81\x20" "b") << QByteArray("shift_jis")
                                                << QString() << QStringLiteral("bad-charset");
}

void TestMailParse::decodeText()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, charset);
    QFETCH(QString, expected);
    QFETCH(QString, warning);
    ParseWarning w;
    const QString text = kl::mail::decodeText(bytes, charset, &w);
    if (!expected.isNull())
        QCOMPARE(text, expected);
    else
        QVERIFY(text.contains(QChar(0xFFFD)));
    QCOMPARE(w.kind, warning);
}

void TestMailParse::mboxUnescape_data()
{
    QTest::addColumn<QByteArray>("slice");
    QTest::addColumn<bool>("rd");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("rd one level") << QByteArray("a\n>From x\n") << true << QByteArray("a\nFrom x\n");
    QTest::newRow("rd two levels") << QByteArray(">>From x\n") << true << QByteArray(">From x\n");
    QTest::newRow("rd not From") << QByteArray(">Fromage\n>From: x\n") << true
                                 << QByteArray(">Fromage\n>From: x\n");
    QTest::newRow("o one level") << QByteArray(">From x\n") << false << QByteArray("From x\n");
    QTest::newRow("o two levels untouched") << QByteArray(">>From x\n") << false << QByteArray(">>From x\n");
    QTest::newRow("no newline at end") << QByteArray("x\n>From y") << true << QByteArray("x\nFrom y");
}

void TestMailParse::mboxUnescape()
{
    QFETCH(QByteArray, slice);
    QFETCH(bool, rd);
    QFETCH(QByteArray, expected);
    QCOMPARE(unescapeMbox(slice, rd ? MboxFormat::Mboxrd : MboxFormat::Mboxo), expected);
}

void TestMailParse::mboxFormatDetection()
{
    const QByteArray rd = fixture(QStringLiteral("rd.mbox"));
    const QByteArray o = fixture(QStringLiteral("o.mbox"));
    QCOMPARE(detectMboxFormat(rd.constData(), rd.size()), MboxFormat::Mboxrd);
    QCOMPARE(detectMboxFormat(o.constData(), o.size()), MboxFormat::Mboxo);
    // Without the public-inbox marker, a ">>From" line is what only mboxrd writes.
    const QByteArray rdPlain = "From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\n>>From y\n";
    QCOMPARE(detectMboxFormat(rdPlain.constData(), rdPlain.size()), MboxFormat::Mboxrd);
}

QTEST_GUILESS_MAIN(TestMailParse)
#include "tst_mail_parse.moc"
