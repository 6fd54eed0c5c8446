#include <kernellens/ingest/mailtext.h>

#include <QTest>

using namespace kl::text;

namespace {

QString s(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

// "Key=value|Key=value" -> compact expectation strings for trailer tables.
QString describe(const QList<Trailer> &trailers)
{
    QStringList parts;
    for (const Trailer &t : trailers)
        parts << t.key + u'=' + t.value;
    return parts.join(u'|');
}

} // namespace

class TestMailText : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void trailers_data();
    void trailers();
    void trailerPersons_data();
    void trailerPersons();
    void splitQuoted_data();
    void splitQuoted();
};

void TestMailText::trailers_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("format-patch")
        << s("rust: kernel: add foo\n\nThis adds foo.\n\nSigned-off-by: Jane Doe <jane@example.org>\n"
             "Reviewed-by: Alice Ryhl <aliceryhl@google.com>\n---\n rust/kernel/foo.rs | 2 ++\n"
             "diff --git a/rust/kernel/foo.rs b/rust/kernel/foo.rs\n+Signed-off-by: Not Me <no@x>\n")
        << s("Signed-off-by=Jane Doe <jane@example.org>|Reviewed-by=Alice Ryhl <aliceryhl@google.com>");
    QTest::newRow("case-insensitive keys")
        << s("Body.\n\nsigned-off-by: A <a@x>\nReviewed-By: B <b@x>\nACKED-BY: C <c@x>\nTested-By: D <d@x>\nCC: e@x\n")
        << s("Signed-off-by=A <a@x>|Reviewed-by=B <b@x>|Acked-by=C <c@x>|Tested-by=D <d@x>|Cc=e@x");
    QTest::newRow("nacked spellings")
        << s("No.\n\nNACKed-by: Christoph Hellwig <hch@lst.de>\nNacked-by: X <x@y>\n")
        << s("Nacked-by=Christoph Hellwig <hch@lst.de>|Nacked-by=X <x@y>");
    QTest::newRow("fixes link closes")
        << s("Fix it.\n\nFixes: 0123456789ab (\"rust: add foo\")\nReported-by: kernel test robot <lkp@intel.com>\n"
             "Closes: https://lore.kernel.org/oe-kbuild-all/202401010000.abc@intel.com/\n"
             "Link: https://lore.kernel.org/r/20240101.abc@x\nSigned-off-by: Me <me@x>\n")
        << s("Fixes=0123456789ab (\"rust: add foo\")|Reported-by=kernel test robot <lkp@intel.com>|"
             "Closes=https://lore.kernel.org/oe-kbuild-all/202401010000.abc@intel.com/|"
             "Link=https://lore.kernel.org/r/20240101.abc@x|Signed-off-by=Me <me@x>");
    QTest::newRow("continuation line")
        << s("Fix.\n\nFixes: 0123456789ab (\"rust: a very long subject that\n  wraps onto the next line\")\n"
             "Signed-off-by: Me <me@x>\n")
        << s("Fixes=0123456789ab (\"rust: a very long subject that wraps onto the next line\")|Signed-off-by=Me <me@x>");
    QTest::newRow("co-developed and suggested")
        << s("x\n\nSuggested-by: Miguel Ojeda <ojeda@kernel.org>\nCo-developed-by: Boqun Feng <boqun.feng@gmail.com>\n"
             "Signed-off-by: Boqun Feng <boqun.feng@gmail.com>\n")
        << s("Suggested-by=Miguel Ojeda <ojeda@kernel.org>|Co-developed-by=Boqun Feng <boqun.feng@gmail.com>|"
             "Signed-off-by=Boqun Feng <boqun.feng@gmail.com>");
    QTest::newRow("stable cc with comment")
        << s("x\n\nCc: stable@vger.kernel.org # v6.1+\nSigned-off-by: Me <me@x>\n")
        << s("Cc=stable@vger.kernel.org # v6.1+|Signed-off-by=Me <me@x>");
    QTest::newRow("reply with review tag in the middle")
        << s("On Mon, Jan 1, 2024 at 10:00 AM Jane <jane@x> wrote:\n> +fn foo() {}\n> Signed-off-by: Jane <jane@x>\n\n"
             "Looks good.\n\nReviewed-by: Alice Ryhl <aliceryhl@google.com>\n\n> more quoted\n\nThanks\n")
        << s("Reviewed-by=Alice Ryhl <aliceryhl@google.com>");
    QTest::newRow("quoted trailers do not count")
        << s("> Signed-off-by: Jane <jane@x>\n> Acked-by: B <b@x>\nNice.\n")
        << QString();
    QTest::newRow("unknown keys only in final trailer block")
        << s("Note: this is prose.\n\nSigned-off-by: A <a@x>\nChange-Id: I0123\nX-Custom: yes\n")
        << s("Signed-off-by=A <a@x>|Change-Id=I0123|X-Custom=yes");
    QTest::newRow("prose final paragraph with colon is not a trailer block")
        << s("Hi,\n\nNote: this is prose.\n")
        << QString();
    QTest::newRow("message-id and misspelled -by")
        << s("x\n\nReviewd-by: A <a@x>\nMessage-Id: <20240101.1@x>\nAssisted-by: Tool\n")
        << s("Reviewd-by=A <a@x>|Message-ID=<20240101.1@x>|Assisted-by=Tool");
    QTest::newRow("stop at signature")
        << s("Acked-by: A <a@x>\n-- \nSigned-off-by: sig line <s@x>\n")
        << s("Acked-by=A <a@x>");
    QTest::newRow("no space after colon, CRLF")
        << s("x\r\n\r\nSigned-off-by:Jane <j@x>\r\n")
        << s("Signed-off-by=Jane <j@x>");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("indented is not a trailer")
        << s("  Signed-off-by: A <a@x>\n")
        << QString();
}

void TestMailText::trailers()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(describe(parseTrailers(text)), expected);
}

void TestMailText::trailerPersons_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("email");

    QTest::newRow("name and address") << s("Reviewed-by: Alice Ryhl <aliceryhl@google.com>") << s("Alice Ryhl") << s("aliceryhl@google.com");
    QTest::newRow("bare address") << s("Cc: rust-for-linux@vger.kernel.org") << QString() << s("rust-for-linux@vger.kernel.org");
    QTest::newRow("bare address in angles") << s("Tested-by: <t@x.org>") << QString() << s("t@x.org");
    QTest::newRow("comment after") << s("Cc: stable@vger.kernel.org # v6.1") << QString() << s("stable@vger.kernel.org");
    QTest::newRow("name comment after") << s("Cc: Jane Doe <jane@x.org> # 6.1.y") << s("Jane Doe") << s("jane@x.org");
    QTest::newRow("quoted name") << s("Acked-by: \"Doe, John\" <j@x.org>") << s("Doe, John") << s("j@x.org");
    QTest::newRow("utf-8 name") << s("Signed-off-by: Björn Roy Baron <bjorn3_gh@protonmail.com>") << s("Björn Roy Baron") << s("bjorn3_gh@protonmail.com");
    QTest::newRow("address then name") << s("Reported-by: j@x.org (Jane)") << s("Jane") << s("j@x.org");
    QTest::newRow("name only") << s("Suggested-by: Linus Torvalds") << s("Linus Torvalds") << QString();
    QTest::newRow("company in name") << s("Acked-by: Jane (ACME) <j@acme.org>") << s("Jane (ACME)") << s("j@acme.org");
}

void TestMailText::trailerPersons()
{
    QFETCH(QString, line);
    QFETCH(QString, name);
    QFETCH(QString, email);
    const auto trailers = parseTrailers(line);
    QCOMPARE(trailers.size(), 1);
    QCOMPARE(trailers[0].name, name);
    QCOMPARE(trailers[0].email, email);
}

void TestMailText::splitQuoted_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("own");
    QTest::addColumn<QString>("quoted");
    QTest::addColumn<QString>("signature");

    QTest::newRow("gmail attribution")
        << s("On Mon, Jan 1, 2024 at 10:00 AM John <j@x> wrote:\n> Should we?\n\nYes.\n")
        << s("Yes.") << s("On Mon, Jan 1, 2024 at 10:00 AM John <j@x> wrote:\n> Should we?") << QString();
    QTest::newRow("wrapped attribution")
        << s("Hi,\n\nOn Wed, Apr 14, 2021 at 9:19 PM Linus Torvalds\n<torvalds@linux-foundation.org> wrote:\n>\n> No.\n\nWhy not?\n")
        << s("Hi,\n\nWhy not?")
        << s("On Wed, Apr 14, 2021 at 9:19 PM Linus Torvalds\n<torvalds@linux-foundation.org> wrote:\n>\n> No.")
        << QString();
    QTest::newRow("wrapped with bare wrote")
        << s("On Tue, Oct 3, 2023 at 1:00 PM Miguel Ojeda\n<miguel.ojeda.sandonis@gmail.com>\n wrote:\n> a\nb\n")
        << s("b") << s("On Tue, Oct 3, 2023 at 1:00 PM Miguel Ojeda\n<miguel.ojeda.sandonis@gmail.com>\n wrote:\n> a") << QString();
    QTest::newRow("writes attribution")
        << s("\"Benno Lossin\" <lossin@kernel.org> writes:\n\n> Hello\n\nHi back.\n")
        << s("Hi back.") << s("\"Benno Lossin\" <lossin@kernel.org> writes:\n\n> Hello") << QString();
    QTest::newRow("quoting attribution")
        << s("Quoting John (2024-01-01):\n> x\nok\n")
        << s("ok") << s("Quoting John (2024-01-01):\n> x") << QString();
    QTest::newRow("nested quotes interleaved")
        << s("On 1/2/24, A wrote:\n> > deep\n>> deeper\n> shallow\nmine\n> again\nmine too\n")
        << s("mine\n\nmine too") << s("On 1/2/24, A wrote:\n> > deep\n>> deeper\n> shallow\n> again") << QString();
    QTest::newRow("signature")
        << s("Thanks,\nMiguel\n-- \nMiguel's sig\nmore sig\n")
        << s("Thanks,\nMiguel") << QString() << s("-- \nMiguel's sig\nmore sig");
    QTest::newRow("double dash without space is not a signature")
        << s("text\n--\nnot sig\n") << s("text\n--\nnot sig") << QString() << QString();
    QTest::newRow("format-patch footer is the signature, patch stays own")
        << s("Subject line body\n---\n a.c | 1 -\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,1 @@\n x\n-- \n-- \n2.43.0\n")
        << s("Subject line body\n---\n a.c | 1 -\ndiff --git a/a.c b/a.c\n--- a/a.c\n+++ b/a.c\n@@ -1,2 +1,1 @@\n x\n-- ")
        << QString() << s("-- \n2.43.0");
    QTest::newRow("top posting after signature")
        << s("Agreed.\n-- \nsig\n\nOn Mon, Jan 1, 2024, X wrote:\n> quoted\n")
        << s("Agreed.") << s("On Mon, Jan 1, 2024, X wrote:\n> quoted") << s("-- \nsig");
    QTest::newRow("attribution-like line without quote stays own")
        << s("As Linus wrote:\nno quote follows\n") << s("As Linus wrote:\nno quote follows") << QString() << QString();
    QTest::newRow("outlook original message")
        << s("Fine by me.\n\n-----Original Message-----\nFrom: X\nSent: today\nold text\n")
        << s("Fine by me.") << s("-----Original Message-----\nFrom: X\nSent: today\nold text") << QString();
    QTest::newRow("diff lines are not quotes")
        << s("+> not a quote\n- > also not\n") << s("+> not a quote\n- > also not") << QString() << QString();
    QTest::newRow("empty") << QString() << QString() << QString() << QString();
    QTest::newRow("only quote") << s("> a\n> b") << QString() << s("> a\n> b") << QString();
    QTest::newRow("crlf")
        << s("On x, Y wrote:\r\n> q\r\nown\r\n") << s("own") << s("On x, Y wrote:\n> q") << QString();
}

void TestMailText::splitQuoted()
{
    QFETCH(QString, text);
    QFETCH(QString, own);
    QFETCH(QString, quoted);
    QFETCH(QString, signature);
    const SplitBody b = kl::text::splitQuoted(text);
    QCOMPARE(b.own, own);
    QCOMPARE(b.quoted, quoted);
    QCOMPARE(b.signature, signature);
}

QTEST_GUILESS_MAIN(TestMailText)
#include "tst_mailtext.moc"
