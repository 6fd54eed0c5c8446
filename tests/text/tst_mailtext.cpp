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
    void subject_data();
    void subject();
    void diff_data();
    void diff();
    void diffFiles_data();
    void diffFiles();
    void applied_data();
    void applied();
    void changeId_data();
    void changeId();
    void messageIdFromLink_data();
    void messageIdFromLink();
};

void TestMailText::messageIdFromLink_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("msgid");
    QTest::newRow("lore /r/") << s("https://lore.kernel.org/r/20240101.123-1-jane@example.org") << s("20240101.123-1-jane@example.org");
    QTest::newRow("lore list with slash") << s("https://lore.kernel.org/rust-for-linux/abc@x.org/") << s("abc@x.org");
    QTest::newRow("lore thread view") << s("https://lore.kernel.org/all/abc@x.org/T/#u") << s("abc@x.org");
    QTest::newRow("percent-escaped") << s("https://lore.kernel.org/r/a%2Bb%40x.org") << s("a+b@x.org");
    QTest::newRow("patch.msgid.link") << s("https://patch.msgid.link/20250102-foo-v2-1-aa@kernel.org") << s("20250102-foo-v2-1-aa@kernel.org");
    QTest::newRow("msgid.link") << s("https://msgid.link/r/x@y") << s("x@y");
    QTest::newRow("lkml /r/ over http") << s("http://lkml.kernel.org/r/1.2.3@host") << s("1.2.3@host");
    QTest::newRow("trailing comment") << s("https://lore.kernel.org/r/a@b # v2") << s("a@b");
    QTest::newRow("Message-ID value") << s("<20240101120000.1234-1-x@y.org>") << s("20240101120000.1234-1-x@y.org");
    QTest::newRow("bugzilla") << s("https://bugzilla.kernel.org/show_bug.cgi?id=1") << QString();
    QTest::newRow("github") << s("https://github.com/Rust-for-Linux/linux/issues/2") << QString();
    QTest::newRow("lore without id") << s("https://lore.kernel.org/rust-for-linux/") << QString();
    QTest::newRow("mailto is no archive") << s("mailto:someone@example.org") << QString();
}

void TestMailText::messageIdFromLink()
{
    QFETCH(QString, value);
    QFETCH(QString, msgid);
    QCOMPARE(kl::text::messageIdFromLink(value), msgid);
}

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
    QTest::newRow("Fixes in prose is not a trailer")
        << s("This patch\nFixes: hash too.\n\nThanks\n") << QString();
    QTest::newRow("Fixes in a reply names a commit")
        << s("> quoted\n\nFixes: 295d8398c67e (\"kbuild: specify output names\")\n\nOtherwise fine.\n")
        << s("Fixes=295d8398c67e (\"kbuild: specify output names\")");
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
    QTest::newRow("snip between attribution and quote")
        << s("On Sat, Jul 15, 2023 at 03:25:54PM +0100, Gary Guo wrote:\n[...]\n> quoted\n\nreply\n")
        << s("reply") << s("On Sat, Jul 15, 2023 at 03:25:54PM +0100, Gary Guo wrote:\n[...]\n> quoted") << QString();
    QTest::newRow("two blank lines after a wrapped attribution")
        << s("On Wednesday, January 18th, 2023 at 17:02, Vinay Varma <varmavinaym@gmail.c\nom> wrote:\n\n\n> Adds support\n\nok\n")
        << s("ok") << s("On Wednesday, January 18th, 2023 at 17:02, Vinay Varma <varmavinaym@gmail.c\nom> wrote:\n\n\n> Adds support")
        << QString();
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

void TestMailText::subject_data()
{
    QTest::addColumn<QString>("subject");
    QTest::addColumn<bool>("reply");
    QTest::addColumn<bool>("patch");
    QTest::addColumn<bool>("rfc");
    QTest::addColumn<bool>("resend");
    QTest::addColumn<int>("version");
    QTest::addColumn<int>("index");
    QTest::addColumn<int>("total");
    QTest::addColumn<QString>("tags");
    QTest::addColumn<QString>("prefixes");
    QTest::addColumn<QString>("title");

    QTest::newRow("plain patch") << s("[PATCH] rust: kernel: add foo") << false << true << false << false << 1 << 0 << 0
                                 << QString() << s("rust,kernel") << s("rust: kernel: add foo");
    QTest::newRow("v3 2/7") << s("[PATCH v3 2/7] kbuild: rust: add rustc-option") << false << true << false << false << 3 << 2 << 7
                            << QString() << s("kbuild,rust") << s("kbuild: rust: add rustc-option");
    QTest::newRow("rfc patch") << s("[RFC PATCH] rust: x") << false << true << true << false << 1 << 0 << 0 << QString() << s("rust") << s("rust: x");
    QTest::newRow("patch rfc v2") << s("[PATCH RFC v2 1/3] rust: x") << false << true << true << false << 2 << 1 << 3 << QString() << s("rust") << s("rust: x");
    QTest::newRow("rfc alone") << s("[RFC] Rust in the kernel") << false << true << true << false << 1 << 0 << 0 << QString() << QString() << s("Rust in the kernel");
    QTest::newRow("resend") << s("[PATCH RESEND] kbuild: fix") << false << true << false << true << 1 << 0 << 0 << QString() << s("kbuild") << s("kbuild: fix");
    QTest::newRow("resend patch v2") << s("[RESEND PATCH v2] kbuild: fix") << false << true << false << true << 2 << 0 << 0 << QString() << s("kbuild") << s("kbuild: fix");
    QTest::newRow("net-next") << s("[PATCH net-next v2 03/12] net: phy: add foo") << false << true << false << false << 2 << 3 << 12
                              << s("net-next") << s("net,phy") << s("net: phy: add foo");
    QTest::newRow("stable") << s("[PATCH 6.1.y] rust: fix") << false << true << false << false << 1 << 0 << 0 << s("6.1.y") << s("rust") << s("rust: fix");
    QTest::newRow("bpf-next") << s("[PATCH bpf-next] bpf: x") << false << true << false << false << 1 << 0 << 0 << s("bpf-next") << s("bpf") << s("bpf: x");
    QTest::newRow("two brackets") << s("[PATCH v2] [net] tcp: x") << false << true << false << false << 2 << 0 << 0 << s("net") << s("tcp") << s("tcp: x");
    QTest::newRow("cover letter") << s("[PATCH v2 00/10] Rust abstractions for foo") << false << true << false << false << 2 << 0 << 10
                                  << QString() << QString() << s("Rust abstractions for foo");
    QTest::newRow("PATCHv2") << s("[PATCHv2 1/2] kbuild: x") << false << true << false << false << 2 << 1 << 2 << QString() << s("kbuild") << s("kbuild: x");
    QTest::newRow("1/1") << s("[PATCH 1/1] x") << false << true << false << false << 1 << 1 << 1 << QString() << QString() << s("x");
    QTest::newRow("reply") << s("Re: [PATCH v4 3/5] rust: alloc: add Vec") << true << true << false << false << 4 << 3 << 5
                           << QString() << s("rust,alloc") << s("rust: alloc: add Vec");
    QTest::newRow("reply chain mixed case") << s("RE: Aw: re: Fwd: [PATCH] x: y") << true << true << false << false << 1 << 0 << 0
                                            << QString() << s("x") << s("x: y");
    QTest::newRow("re inside") << s("Re: [PATCH] Re: kbuild: foo") << true << true << false << false << 1 << 0 << 0 << QString() << s("kbuild") << s("kbuild: foo");
    QTest::newRow("fw") << s("Fw: hello") << true << false << false << false << 1 << 0 << 0 << QString() << QString() << s("hello");
    QTest::newRow("not a patch") << s("Rust for Linux status") << false << false << false << false << 1 << 0 << 0 << QString() << QString() << s("Rust for Linux status");
    QTest::newRow("git pull") << s("[GIT PULL] Rust for 6.8") << false << false << false << false << 1 << 0 << 0 << s("GIT,PULL") << QString() << s("Rust for 6.8");
    QTest::newRow("path prefixes") << s("[PATCH] scripts/tags.sh: fix rust") << false << true << false << false << 1 << 0 << 0
                                   << QString() << s("scripts/tags.sh") << s("scripts/tags.sh: fix rust");
    QTest::newRow("drm prefix") << s("[PATCH] drm/nouveau: x") << false << true << false << false << 1 << 0 << 0 << QString() << s("drm/nouveau") << s("drm/nouveau: x");
    QTest::newRow("uppercase prefix folded") << s("[PATCH] Documentation: rust: x") << false << true << false << false << 1 << 0 << 0
                                             << QString() << s("documentation,rust") << s("Documentation: rust: x");
    QTest::newRow("no time as prefix") << s("Meeting at 10:00 today") << false << false << false << false << 1 << 0 << 0 << QString() << QString() << s("Meeting at 10:00 today");
    QTest::newRow("extra spaces") << s("  [PATCH   v2   1/2]   rust:   x  ") << false << true << false << false << 2 << 1 << 2 << QString() << s("rust") << s("rust: x");
    QTest::newRow("unclosed bracket") << s("[PATCH v2 rust: x") << false << false << false << false << 1 << 0 << 0 << QString() << QString() << s("[PATCH v2 rust: x");
    QTest::newRow("empty") << QString() << false << false << false << false << 1 << 0 << 0 << QString() << QString() << QString();
    QTest::newRow("bracket numbering without version") << s("[PATCH 04/19] rust: x") << false << true << false << false << 1 << 4 << 19 << QString() << s("rust") << s("rust: x");
    QTest::newRow("b4 subset reply") << s("Re: (subset) [PATCH v4 0/2] Rust and the shadow call stack sanitizer") << true << true << false << false << 4 << 0 << 2
                                     << QString() << QString() << s("Rust and the shadow call stack sanitizer");
    QTest::newRow("v2b") << s("[PATCH v2b] rust: cfi: add support") << false << true << false << false << 2 << 0 << 0 << QString() << s("rust,cfi") << s("rust: cfi: add support");
    QTest::newRow("comma prefixes") << s("[PATCH AUTOSEL 6.13 1/3] kbuild, rust: use -fremap-path-prefix") << false << true << false << false << 1 << 1 << 3
                                    << s("AUTOSEL,6.13") << s("kbuild,rust") << s("kbuild, rust: use -fremap-path-prefix");
    QTest::newRow("second bracket words are tags") << s("[PATCH v2 10/10] [for -next only] kconfig: generate") << false << true << false << false << 2 << 10 << 10
                                                   << s("for,-next,only") << s("kconfig") << s("kconfig: generate");
    QTest::newRow("V uppercase") << s("[PATCH V5] rust: x") << false << true << false << false << 5 << 0 << 0 << QString() << s("rust") << s("rust: x");
}

void TestMailText::subject()
{
    QFETCH(QString, subject);
    const SubjectInfo info = parseSubject(subject);
    QTEST(info.isReply, "reply");
    QTEST(info.isPatch, "patch");
    QTEST(info.isRfc, "rfc");
    QTEST(info.isResend, "resend");
    QTEST(info.version, "version");
    QTEST(info.index, "index");
    QTEST(info.total, "total");
    QTEST(info.tags.join(u','), "tags");
    QTEST(info.prefixes.join(u','), "prefixes");
    QTEST(info.title, "title");
}

void TestMailText::diff_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("files");
    QTest::addColumn<int>("added");
    QTest::addColumn<int>("removed");
    QTest::addColumn<int>("start");

    const QString formatPatch = s(
        "Adds foo.\n\nSigned-off-by: A <a@x>\n---\n rust/kernel/foo.rs | 3 ++-\n 1 file changed\n\n"
        "diff --git a/rust/kernel/foo.rs b/rust/kernel/foo.rs\nindex 0123..4567 100644\n--- a/rust/kernel/foo.rs\n"
        "+++ b/rust/kernel/foo.rs\n@@ -1,3 +1,4 @@\n use kernel;\n-fn a() {}\n+fn b() {}\n+fn c() {}\n \n"
        "-- \n2.43.0\n\n");
    QTest::newRow("format-patch") << formatPatch << 1 << 2 << 1 << int(formatPatch.indexOf(u"diff --git"));
    const QString dashLine = s("diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n@@ -1,2 +1,1 @@\n-- \n keep\n-- \n2.43.0\n");
    QTest::newRow("removed line reading '-- '") << dashLine << 1 << 0 << 1 << 0;
    QTest::newRow("two files and two hunks")
        << s("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n+y\n@@ -10,2 +10,3 @@\n ctx\n+new\n ctx\n"
             "diff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -1,0 +1,2 @@\n+1\n+2\n")
        << 2 << 4 << 1 << 0;
    QTest::newRow("plain diff -u")
        << s("Here is a fix:\n\n--- linux.orig/Makefile\t2024-01-01 10:00:00\n+++ linux/Makefile\t2024-01-01 10:00:01\n@@ -5,3 +5,3 @@\n a\n-b\n+c\n d\n")
        << 1 << 1 << 1 << 16;
    QTest::newRow("quoted diff is not ours")
        << s("> diff --git a/x b/x\n> --- a/x\n> +++ b/x\n> @@ -1 +1 @@\n> -a\n> +b\n\nLooks fine.\n") << 0 << 0 << 0 << -1;
    QTest::newRow("blank context line stripped by the mailer")
        << s("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,3 +1,3 @@\n x\n\n-y\n+z\n") << 1 << 1 << 1 << 0;
    QTest::newRow("no newline marker")
        << s("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n") << 1 << 1 << 1 << 0;
    QTest::newRow("no diff") << s("Just text.\n---\nnot a diff\n") << 0 << 0 << 0 << -1;
    QTest::newRow("truncated hunk") << s("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,10 +1,10 @@\n-x\n") << 1 << 0 << 1 << 0;
    QTest::newRow("bogus hunk header") << s("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,99999999999 +1 @@\n-x\n") << 1 << 0 << 0 << 0;
    QTest::newRow("crlf") << s("diff --git a/a b/a\r\n--- a/a\r\n+++ b/a\r\n@@ -1 +1,2 @@\r\n x\r\n+y\r\n") << 1 << 1 << 0 << 0;
}

void TestMailText::diff()
{
    QFETCH(QString, text);
    const DiffInfo d = parseDiff(text);
    QTEST(int(d.files.size()), "files");
    QTEST(d.added, "added");
    QTEST(d.removed, "removed");
    QTEST(int(d.start), "start");
}

void TestMailText::diffFiles_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("oldPath");
    QTest::addColumn<bool>("binary");
    QTest::addColumn<bool>("created");
    QTest::addColumn<bool>("deleted");

    QTest::newRow("modified") << s("diff --git a/rust/Makefile b/rust/Makefile\nindex 1..2 100644\n--- a/rust/Makefile\n+++ b/rust/Makefile\n@@ -1 +1 @@\n-a\n+b\n")
                              << s("rust/Makefile") << s("rust/Makefile") << false << false << false;
    QTest::newRow("new file") << s("diff --git a/rust/kernel/x.rs b/rust/kernel/x.rs\nnew file mode 100644\nindex 0000000..1\n--- /dev/null\n+++ b/rust/kernel/x.rs\n@@ -0,0 +1 @@\n+a\n")
                              << s("rust/kernel/x.rs") << QString() << false << true << false;
    QTest::newRow("deleted file") << s("diff --git a/old.c b/old.c\ndeleted file mode 100644\n--- a/old.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n")
                                  << s("old.c") << s("old.c") << false << false << true;
    QTest::newRow("rename") << s("diff --git a/rust/a.rs b/rust/kernel/b.rs\nsimilarity index 90%\nrename from rust/a.rs\nrename to rust/kernel/b.rs\n")
                            << s("rust/kernel/b.rs") << s("rust/a.rs") << false << false << false;
    QTest::newRow("binary") << s("diff --git a/logo.png b/logo.png\nindex 1..2 100644\nBinary files a/logo.png and b/logo.png differ\n")
                            << s("logo.png") << s("logo.png") << true << false << false;
    QTest::newRow("git binary patch") << s("diff --git a/f.bin b/f.bin\nnew file mode 100644\nGIT binary patch\nliteral 3\nKcmZQz\n\nliteral 0\n\n")
                                      << s("f.bin") << QString() << true << true << false;
    QTest::newRow("path with spaces") << s("diff --git a/dir/my file.txt b/dir/my file.txt\n--- a/dir/my file.txt\n+++ b/dir/my file.txt\n@@ -1 +1 @@\n-a\n+b\n")
                                      << s("dir/my file.txt") << s("dir/my file.txt") << false << false << false;
    QTest::newRow("quoted path") << s("diff --git \"a/t\\303\\251st\" \"b/x y\"\nnew file mode 100644\n")
                                 << s("x y") << QString() << false << true << false;
    QTest::newRow("plain diff new file") << s("--- /dev/null\n+++ b/new.c\n@@ -0,0 +1 @@\n+x\n")
                                         << s("new.c") << QString() << false << true << false;
}

void TestMailText::diffFiles()
{
    QFETCH(QString, text);
    const DiffInfo d = parseDiff(text);
    QCOMPARE(d.files.size(), 1);
    const FileDiff &f = d.files.first();
    QTEST(f.path, "path");
    QTEST(f.oldPath, "oldPath");
    QTEST(f.binary, "binary");
    QTEST(f.created, "created");
    QTEST(f.deleted, "deleted");
}

void TestMailText::applied_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("applied");
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("commits");

    QTest::newRow("b4 ty")
        << s("On Mon, 01 Jan 2024 10:00:00 +0100, Jane wrote:\n\nApplied, thanks!\n\n[1/2] kbuild: rust: add foo\n      commit: 821fe7bf16c5\n"
             "[2/2] kbuild: rust: add bar\n      commit: 51d9ee90ea9060be240830eb28f5f117ad00318c\n\nBest regards,\n-- \nMasahiro\n")
        << true << QString() << s("1:kbuild: rust: add foo:821fe7bf16c5,2:kbuild: rust: add bar:51d9ee90ea9060be240830eb28f5f117ad00318c");
    QTest::newRow("b4 ty link form")
        << s("Applied to rust-next, thanks!\n\n[1/1] rust: x\n      https://git.kernel.org/rust/c/0b08fc292842\n")
        << true << s("rust-next") << s("1:rust: x:0b08fc292842");
    QTest::newRow("applied to kbuild") << s("Applied to kbuild.") << true << s("kbuild") << QString();
    QTest::newRow("applied to linux-kbuild/for-next") << s("Applied to linux-kbuild/for-next") << true << s("linux-kbuild/for-next") << QString();
    QTest::newRow("queued") << s("Queued, thanks") << true << QString() << QString();
    QTest::newRow("em dash") << s("Applied to rust-next — thanks everyone!") << true << s("rust-next") << QString();
    QTest::newRow("backticks") << s("Applied to `rust-next` -- thanks everyone!") << true << s("rust-next") << QString();
    QTest::newRow("early") << s("Applied to `rust-fixes` early to start getting some testing in -next.") << true << s("rust-fixes") << QString();
    QTest::newRow("object before to") << s("Applied (both patches) to `rust-fixes` -- thanks!") << true << s("rust-fixes") << QString();
    QTest::newRow("series") << s("Applied series to `rust-next` -- thanks everyone!") << true << s("rust-next") << QString();
    QTest::newRow("into") << s("Applied into `rust-next` -- thanks everyone!") << true << s("rust-next") << QString();
    QTest::newRow("wrapped destination") << s("Applied to\n`rust-next` -- thanks!") << true << s("rust-next") << QString();
    QTest::newRow("parenthesised branch") << s("Applied to arm64 (for-next/fixes), thanks!") << true << s("arm64 (for-next/fixes)") << QString();
    QTest::newRow("thanks applied") << s("Thanks, applied to perf-tools, for v7.0.") << true << s("perf-tools") << QString();
    QTest::newRow("dot thanks") << s("Applied to linux-kbuild. Thanks.") << true << s("linux-kbuild") << QString();
    QTest::newRow("applied thanks no list") << s("Applied, thanks") << true << QString() << QString();
    QTest::newRow("applied cleanly") << s("I tried it and this applied cleanly on v6.8.") << false << QString() << QString();
    QTest::newRow("does not apply") << s("It does not apply to rust-next.") << false << QString() << QString();
    QTest::newRow("question") << s("Applied?") << false << QString() << QString();
    QTest::newRow("question with branch") << s("Applied to rust-next?") << false << QString() << QString();
    QTest::newRow("quoted") << s("> Applied to kbuild, thanks!\n\nWhy?") << false << QString() << QString();
    QTest::newRow("lowercase wrapped sentence") << s("so the series\napplied to my tree without conflicts") << false << QString() << QString();
    QTest::newRow("applied on top is testing") << s("Applied on top of v6.1 and tested, works.") << false << QString() << QString();
    QTest::newRow("applied cleanly start") << s("Applied cleanly here.") << false << QString() << QString();
    QTest::newRow("I applied") << s("I applied this to linux-kbuild now. Thanks.") << true << s("linux-kbuild") << QString();
    QTest::newRow("so I applied") << s("So, I applied to linux-kbuild with Miguel's Ack now.") << true << s("linux-kbuild") << QString();
    QTest::newRow("patch applied") << s("patch applied.") << false << QString() << QString();
    QTest::newRow("Patch applied") << s("Patch applied.") << true << QString() << QString();
    QTest::newRow("tester applied to a version") << s("I applied the patches to v6.14-rc7 and did a quick pass") << false << QString() << QString();
    QTest::newRow("prose after to") << s("Patches applied to an unstable branch are accepted pending review") << false << QString() << QString();
    QTest::newRow("empty") << QString() << false << QString() << QString();
}

void TestMailText::applied()
{
    QFETCH(QString, text);
    const AppliedNotice notice = parseAppliedNotice(text);
    QTEST(notice.applied, "applied");
    QTEST(notice.branch, "branch");
    QStringList commits;
    for (const AppliedCommit &c : notice.commits)
        commits << QString::number(c.index) + u':' + c.subject + u':' + c.commit;
    QTEST(commits.join(u','), "commits");
}

void TestMailText::changeId_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("b4 cover") << s("Cover text\n\n---\nbase-commit: 0123\nchange-id: 20231012-rust-foo-v1-abcdef123456\n\nBest regards,\n")
                              << s("20231012-rust-foo-v1-abcdef123456");
    QTest::newRow("crlf") << s("change-id: 20230224-rust-new_uninit-a575d34987c3\r\n") << s("20230224-rust-new_uninit-a575d34987c3");
    QTest::newRow("gerrit Change-Id is not b4") << s("Change-Id: I0123456789abcdef\n") << QString();
    QTest::newRow("quoted") << s("> change-id: 20231012-x-abcdef123456\n") << QString();
    QTest::newRow("none") << s("nothing") << QString();
}

void TestMailText::changeId()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(kl::text::changeId(text), expected);
}

QTEST_GUILESS_MAIN(TestMailText)
#include "tst_mailtext.moc"
