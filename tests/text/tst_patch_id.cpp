// git patch-id --stable, ours against git's: every expected id is computed at test time by the
// installed git on the same bytes (tests/text/git_runner.h), so any divergence fails.
//
//  - text:    small mails and diffs written here, one per rule of git's reader (docs/mailtext.md,
//             "patch-id"), through patchIdStable;
//  - commits: a scratch repository whose commits exercise each kind of change (renames exact,
//             by basename and inexact, binary files, modes, symlinks, submodules, quoting, CRLF,
//             form feeds, merges), through CommitPatchIds against `git log -p | git patch-id`,
//             and their `git format-patch` mails through patchIdStable.

#include <kernellens/ingest/patch_id.h>

#include "git_runner.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace kl::text;
using kl::testing::gitPatchId;
using kl::testing::runGit;

namespace {

QByteArray mail(const QByteArray &diff, const QByteArray &signature = "-- \n2.34.1\n\n")
{
    return QByteArrayLiteral("From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n"
                             "From: A U Thor <author@example.org>\n"
                             "Date: Mon, 2 Jan 2023 10:00:00 +0100\n"
                             "Subject: [PATCH] x: fix y\n"
                             "\n"
                             "The message, with a diff word in it: diff --git is how it starts.\n"
                             "\n"
                             "Signed-off-by: A U Thor <author@example.org>\n"
                             "---\n"
                             " x.c | 2 +-\n"
                             " 1 file changed, 1 insertion(+), 1 deletion(-)\n"
                             "\n")
        + diff + signature;
}

const QByteArray kSimple = "diff --git a/x.c b/x.c\n"
                           "index 1111111..2222222 100644\n"
                           "--- a/x.c\n"
                           "+++ b/x.c\n"
                           "@@ -1,3 +1,3 @@\n"
                           " int a;\n"
                           "-int b;\n"
                           "+int b = 1;\n"
                           " int c;\n";
// The same change with other whitespace.
const QByteArray kSimpleWs = "diff  --git  a/x.c  b/x.c\n"
                             "index 7777777..8888888 100644\n"
                             "--- a/x.c\n"
                             "+++ b/x.c\t\n"
                             "@@ -4,3 +4,3 @@ struct s {\n"
                             " int\ta;\n"
                             "-int  b ;\n"
                             "+int b=1;  \n"
                             "   int c;\n";
const QByteArray kSecond = "diff --git a/y.c b/y.c\n"
                           "index 3333333..4444444 100644\n"
                           "--- a/y.c\n"
                           "+++ b/y.c\n"
                           "@@ -10,2 +10,3 @@ void f(void)\n"
                           " {\n"
                           "+\tg();\n"
                           " }\n";
const QByteArray kNewFile = "diff --git a/new.c b/new.c\n"
                            "new file mode 100644\n"
                            "index 0000000..5555555\n"
                            "--- /dev/null\n"
                            "+++ b/new.c\n"
                            "@@ -0,0 +1,2 @@\n"
                            "+int n;\n"
                            "+int m;\n";
const QByteArray kDeleted = "diff --git a/old.c b/old.c\n"
                            "deleted file mode 100644\n"
                            "index 6666666..0000000\n"
                            "--- a/old.c\n"
                            "+++ /dev/null\n"
                            "@@ -1,2 +0,0 @@\n"
                            "-int n;\n"
                            "-int m;\n";
const QByteArray kEmptyNew = "diff --git a/empty b/empty\n"
                             "new file mode 100644\n"
                             "index 0000000..e69de29\n";
const QByteArray kRename100 = "diff --git a/a.c b/b.c\n"
                              "similarity index 100%\n"
                              "rename from a.c\n"
                              "rename to b.c\n";
const QByteArray kRenameEdit = "diff --git a/a.c b/b.c\n"
                               "similarity index 90%\n"
                               "rename from a.c\n"
                               "rename to b.c\n"
                               "index 1111111..2222222 100644\n"
                               "--- a/a.c\n"
                               "+++ b/b.c\n"
                               "@@ -1,3 +1,3 @@\n"
                               " int a;\n"
                               "-int b;\n"
                               "+int b = 1;\n"
                               " int c;\n";
const QByteArray kMode = "diff --git a/run.sh b/run.sh\n"
                         "old mode 100644\n"
                         "new mode 100755\n";
const QByteArray kModeEdit = "diff --git a/run.sh b/run.sh\n"
                             "old mode 100644\n"
                             "new mode 100755\n"
                             "index 1111111..2222222\n"
                             "--- a/run.sh\n"
                             "+++ b/run.sh\n"
                             "@@ -1 +1 @@\n"
                             "-echo a\n"
                             "+echo b\n";
const QByteArray kBinary = "diff --git a/logo.png b/logo.png\n"
                           "index 89abcde..0123456 100644\n"
                           "Binary files a/logo.png and b/logo.png differ\n";
const QByteArray kBinaryNew = "diff --git a/logo.png b/logo.png\n"
                              "new file mode 100644\n"
                              "index 0000000..89abcde\n"
                              "Binary files /dev/null and b/logo.png differ\n";
const QByteArray kGitBinary = "diff --git a/blob.bin b/blob.bin\n"
                              "new file mode 100644\n"
                              "index 0000000000000000000000000000000000000000..e0b3f1b09bd1819ed1f7ce2e75fc7400809f5350\n"
                              "GIT binary patch\n"
                              "literal 12\n"
                              "TcmZQzWMXDvWn<^$<N%{?05t$7\n"
                              "\n"
                              "literal 0\n"
                              "HcmV?d00001\n"
                              "\n";
const QByteArray kNoNewline = "diff --git a/x.c b/x.c\n"
                              "index 1111111..2222222 100644\n"
                              "--- a/x.c\n"
                              "+++ b/x.c\n"
                              "@@ -1,2 +1,2 @@\n"
                              " int a;\n"
                              "-int b;\n"
                              "\\ No newline at end of file\n"
                              "+int b = 1;\n"
                              "\\ No newline at end of file\n";
const QByteArray kNoCounts = "diff --git a/x b/x\n"
                             "--- a/x\n"
                             "+++ b/x\n"
                             "@@ -5 +5 @@\n"
                             "-a\n"
                             "+b\n";
const QByteArray kFormFeed = "diff --git a/COPYING b/COPYING\n"
                             "--- a/COPYING\n"
                             "+++ b/COPYING\n"
                             "@@ -1,2 +1,3 @@\n"
                             " a\n"
                             "+\f\n"
                             "+\v x\n"
                             " b\n";
// kSimple with its last context line cut off.
const QByteArray kTruncated = kSimple.left(kSimple.size() - int(sizeof(" int c;\n") - 1));
// A mailer stripped the space of an empty context line: git never ends that hunk.
const QByteArray kStrippedBlank = "diff --git a/x.c b/x.c\n"
                                  "--- a/x.c\n"
                                  "+++ b/x.c\n"
                                  "@@ -1,3 +1,3 @@\n"
                                  " int a;\n"
                                  "-int b;\n"
                                  "+int b = 1;\n"
                                  "\n";
const QByteArray kPlainDiff = "diff -u a/x.c b/x.c\n"
                              "--- a/x.c\t2020-01-01 00:00:00.000000000 +0000\n"
                              "+++ b/x.c\t2020-01-01 00:00:00.000000000 +0000\n"
                              "@@ -1,3 +1,3 @@\n"
                              " int a;\n"
                              "-int b;\n"
                              "+int b = 1;\n"
                              " int c;\n";
const QByteArray kQuilt = "Index: linux/x.c\n"
                          "===================================================================\n"
                          "--- linux.orig/x.c\n"
                          "+++ linux/x.c\n"
                          "@@ -1,3 +1,3 @@\n"
                          " int a;\n"
                          "-int b;\n"
                          "+int b = 1;\n"
                          " int c;\n";

QByteArray crlf(QByteArray text) { return text.replace("\n", "\r\n"); }

QByteArray quoted(const QByteArray &text)
{
    QByteArray out;
    for (const QByteArray &line : text.split('\n'))
        out += "> " + line + '\n';
    return out;
}

QByteArray gitLog(const QByteArray &first, const QByteArray &second)
{
    return "commit 1111111111111111111111111111111111111111\n"
           "Author: A U Thor <author@example.org>\n"
           "Date:   Mon Jan 2 10:00:00 2023 +0100\n"
           "\n"
           "    x: fix y\n"
           "\n"
           + first
           + "\n"
             "commit 2222222222222222222222222222222222222222\n"
             "Author: A U Thor <author@example.org>\n"
             "Date:   Mon Jan 2 11:00:00 2023 +0100\n"
             "\n"
             "    y: call g\n"
             "\n"
           + second;
}

QHash<QString, QByteArray> &texts()
{
    static QHash<QString, QByteArray> t;
    return t;
}

// --- the scratch repository of the commit cases ---------------------------------------------

class Repo
{
public:
    Repo() : m_path(m_dir.path() + QStringLiteral("/repo"))
    {
        QDir().mkpath(m_path);
        git({QStringLiteral("-c"), QStringLiteral("init.defaultBranch=master"), QStringLiteral("init"), QStringLiteral("-q")});
    }
    QString path() const { return m_path; }
    QByteArray git(const QStringList &args, const QByteArray &input = {}) const
    {
        const kl::testing::GitRun run = runGit(args, input, m_path, m_dir.path());
        if (!run.ok)
            qWarning("git %s failed: %s", qPrintable(args.join(QLatin1Char(' '))), run.err.constData());
        return run.out;
    }
    void write(const QString &file, const QByteArray &content) const
    {
        const QString full = m_path + QLatin1Char('/') + file;
        QDir().mkpath(QFileInfo(full).absolutePath());
        QFile::remove(full);
        QFile f(full);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
    }
    void remove(const QString &file) const { QFile::remove(m_path + QLatin1Char('/') + file); }
    void chmodX(const QString &file, bool x) const
    {
        QFile::Permissions p = QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther;
        if (x)
            p |= QFile::ExeOwner | QFile::ExeGroup | QFile::ExeOther;
        QFile::setPermissions(m_path + QLatin1Char('/') + file, p);
    }
    void symlink(const QString &target, const QString &link) const
    {
        QFile::remove(m_path + QLatin1Char('/') + link);
        QFile::link(target, m_path + QLatin1Char('/') + link);
    }
    // Stages everything (or nothing, for index-only changes) and commits; the new commit's id.
    QByteArray commit(const QString &label, bool addAll = true)
    {
        if (addAll)
            git({QStringLiteral("add"), QStringLiteral("-A")});
        git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"), QStringLiteral("-m"), label});
        const QByteArray sha = git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}).trimmed();
        commits.append({label, sha});
        return sha;
    }
    QList<QPair<QString, QByteArray>> commits;

private:
    QTemporaryDir m_dir;
    QString m_path;
};

QByteArray numbered(int n, const char *word, int from = 0)
{
    QByteArray b;
    for (int i = from; i < from + n; ++i)
        b += QByteArray(word) + " line " + QByteArray::number(i) + " of some C-like text;\n";
    return b;
}

// `count` of the lines of `text` replaced, every `step`-th from the first.
QByteArray edited(const QByteArray &text, int step, int count)
{
    QList<QByteArray> lines = text.split('\n');
    for (int i = 0, done = 0; i < lines.size() && done < count; i += step, ++done)
        lines[i] = "changed " + QByteArray::number(i) + " entirely";
    return lines.join('\n');
}

QByteArray binaryBytes(int seed, int size)
{
    QByteArray b(size, '\0');
    quint32 x = quint32(seed) * 2654435761u + 1;
    for (int i = 0; i < size; ++i) {
        x = x * 1103515245u + 12345u;
        b[i] = char((i % 7 == 0) ? 0 : (x >> 16));
    }
    return b;
}

} // namespace

class TestPatchId : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void text_data();
    void text();
    void commit_data();
    void commit();
    void formatPatch_data();
    void formatPatch();
    void commitErrors();

private:
    std::unique_ptr<Repo> m_repo;
};

void TestPatchId::initTestCase()
{
    QVERIFY2(runGit({QStringLiteral("--version")}).ok, "git is needed: it computes every expected id");

    m_repo = std::make_unique<Repo>();
    Repo &r = *m_repo;
    const QByteArray big = numbered(40, "alpha");
    r.write(QStringLiteral("src/x.c"), numbered(30, "x"));
    r.write(QStringLiteral("src/y.c"), numbered(12, "y"));
    r.write(QStringLiteral("nonl.txt"), "first\nsecond\nno newline at the end");
    r.write(QStringLiteral("crlf.txt"), crlf(numbered(6, "dos")));
    r.write(QStringLiteral("COPYING"), "GNU\n\f\nTERMS\n\v vertical\nend\n");
    r.write(QStringLiteral("sp ace.c"), "space in the name\n");
    r.write(QString::fromUtf8("\xc3\xbc.txt"), "umlaut\n");
    r.write(QStringLiteral("tab\there"), "tab in the name\n");
    r.write(QStringLiteral("q\"uote"), "quote in the name\n");
    r.write(QStringLiteral("dir1/util.c"), big);
    r.write(QStringLiteral("dir1/helper.c"), numbered(40, "beta"));
    r.write(QStringLiteral("dir1/mid.c"), numbered(40, "gamma"));
    r.write(QStringLiteral("a.c"), numbered(40, "delta"));
    r.write(QStringLiteral("run.sh"), "#!/bin/sh\necho run\n");
    r.write(QStringLiteral("twin1"), "identical twins\n");
    r.write(QStringLiteral("twin2"), "identical twins\n");
    r.write(QStringLiteral("e1"), "");
    r.write(QStringLiteral("nonl2.txt"), numbered(20, "tail") + "the last line has no newline");
    r.write(QStringLiteral("short.txt"), "head\n" + QByteArray(60, 'z'));
    r.write(QStringLiteral("dir1/core.c"), numbered(40, "kappa"));
    r.commit(QStringLiteral("root"));

    r.write(QStringLiteral("src/x.c"), edited(numbered(30, "x"), 7, 3));
    r.write(QStringLiteral("src/y.c"), numbered(13, "y"));
    r.write(QStringLiteral("nonl.txt"), "first\nsecond changed\nstill no newline");
    r.write(QStringLiteral("crlf.txt"), crlf(edited(numbered(6, "dos"), 2, 2)));
    r.write(QStringLiteral("COPYING"), "GNU\n\f\f\nTERMS\n\v\v vertical\nend\n");
    r.write(QStringLiteral("sp ace.c"), "space in the name, changed\n");
    r.write(QString::fromUtf8("\xc3\xbc.txt"), "umlaut changed\n");
    r.write(QStringLiteral("tab\there"), "tab in the name changed\n");
    r.write(QStringLiteral("q\"uote"), "quote in the name changed\n");
    r.commit(QStringLiteral("modify many"));

    r.write(QStringLiteral("src/new.c"), "int n;\nint m;\n");
    r.remove(QStringLiteral("src/y.c"));
    r.commit(QStringLiteral("add and delete"));

    r.write(QStringLiteral("empty"), "");
    r.commit(QStringLiteral("new empty file"));

    r.write(QStringLiteral("e2"), "");
    r.remove(QStringLiteral("e1"));
    r.commit(QStringLiteral("rename empty file"));

    r.git({QStringLiteral("mv"), QStringLiteral("src/new.c"), QStringLiteral("src/renamed.c")});
    r.commit(QStringLiteral("rename 100%"));

    // Same basename, another directory, >= 75%: found by the basename pass.
    r.remove(QStringLiteral("dir1/util.c"));
    r.write(QStringLiteral("dir2/util.c"), edited(big, 9, 4));
    // Another name, 50-75% alike: found by the inexact matrix.
    r.remove(QStringLiteral("a.c"));
    r.write(QStringLiteral("b.c"), edited(numbered(40, "delta"), 3, 12));
    // Same basename but under 75%: the basename pass skips it, the matrix takes it.
    r.remove(QStringLiteral("dir1/mid.c"));
    r.write(QStringLiteral("dir3/mid.c"), edited(numbered(40, "gamma"), 3, 13));
    r.commit(QStringLiteral("inexact renames"));

    // The basename pass pairs dir1/core.c with dir4/core.c (>= 75%) before the matrix would have
    // chosen the closer zz.c.
    r.remove(QStringLiteral("dir1/core.c"));
    r.write(QStringLiteral("dir4/core.c"), edited(numbered(40, "kappa"), 5, 7));
    r.write(QStringLiteral("zz.c"), edited(numbered(40, "kappa"), 20, 2));
    r.commit(QStringLiteral("basename pass first"));

    // Too different: a deletion and a creation.
    r.remove(QStringLiteral("dir1/helper.c"));
    r.write(QStringLiteral("dir1/other.c"), numbered(40, "omega"));
    r.commit(QStringLiteral("no rename below 50%"));

    r.remove(QStringLiteral("twin1"));
    r.remove(QStringLiteral("twin2"));
    r.write(QStringLiteral("sub/twin2"), "identical twins\n");
    r.write(QStringLiteral("third"), "identical twins\n");
    r.commit(QStringLiteral("exact renames, ties"));

    r.write(QStringLiteral("nonl3.txt"), numbered(20, "tail") + "the last line has no newline, edited");
    r.remove(QStringLiteral("nonl2.txt"));
    r.commit(QStringLiteral("rename of a file without final newline"));

    // Alike only in a last line without newline: git counts that final chunk for the score.
    r.remove(QStringLiteral("short.txt"));
    r.write(QStringLiteral("short2.txt"), "HEAD\n" + QByteArray(60, 'z'));
    r.commit(QStringLiteral("rename decided by the last line"));

    r.chmodX(QStringLiteral("run.sh"), true);
    r.commit(QStringLiteral("mode change"));

    r.chmodX(QStringLiteral("run.sh"), false);
    r.write(QStringLiteral("run.sh"), "#!/bin/sh\necho run twice\n");
    r.commit(QStringLiteral("mode change and edit"));

    r.git({QStringLiteral("mv"), QStringLiteral("run.sh"), QStringLiteral("start.sh")});
    r.chmodX(QStringLiteral("start.sh"), true);
    r.commit(QStringLiteral("rename and mode change"));

    r.write(QStringLiteral("logo.bin"), binaryBytes(1, 3000));
    r.commit(QStringLiteral("binary new"));

    r.write(QStringLiteral("logo.bin"), binaryBytes(2, 3100));
    r.write(QStringLiteral("src/x.c"), numbered(31, "x"));
    r.commit(QStringLiteral("binary and text"));

    r.write(QStringLiteral("late.bin"), numbered(200, "text") + QByteArray(1, '\0') + "late nul\n");
    r.commit(QStringLiteral("NUL after 8000 bytes is text"));

    r.write(QStringLiteral("logo2.bin"), binaryBytes(2, 3100));
    r.remove(QStringLiteral("logo.bin"));
    r.commit(QStringLiteral("binary rename"));

    r.symlink(QStringLiteral("src/x.c"), QStringLiteral("link"));
    r.commit(QStringLiteral("symlink"));

    r.remove(QStringLiteral("COPYING"));
    r.symlink(QStringLiteral("src/x.c"), QStringLiteral("COPYING"));
    r.commit(QStringLiteral("file to symlink"));

    r.remove(QStringLiteral("b.c"));
    r.write(QStringLiteral("b.c/inner.c"), "a directory now\n");
    r.commit(QStringLiteral("file to directory"));

    const QByteArray head = r.git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}).trimmed();
    r.git({QStringLiteral("update-index"), QStringLiteral("--add"), QStringLiteral("--cacheinfo"),
           QStringLiteral("160000,%1,module").arg(QString::fromLatin1(head))});
    r.commit(QStringLiteral("submodule added"), false);
    r.git({QStringLiteral("update-index"), QStringLiteral("--cacheinfo"),
           QStringLiteral("160000,%1,module").arg(QString::fromLatin1(r.commits.first().second))});
    r.commit(QStringLiteral("submodule moved"), false);
    r.write(QStringLiteral("src/x.c"), numbered(32, "x"));
    r.commit(QStringLiteral("submodule gone")); // add -A drops the entry without a directory

    r.commit(QStringLiteral("empty commit"));

    r.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("side")});
    r.write(QStringLiteral("side.c"), "side\n");
    r.commit(QStringLiteral("on the side"));
    r.git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("master")});
    r.write(QStringLiteral("main.c"), "main\n");
    r.commit(QStringLiteral("on master"));
    r.git({QStringLiteral("merge"), QStringLiteral("-q"), QStringLiteral("--no-ff"), QStringLiteral("-m"),
           QStringLiteral("merge"), QStringLiteral("side")});
    r.commits.append({QStringLiteral("merge"), r.git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}).trimmed()});
}

void TestPatchId::text_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("broken");
    QTest::addColumn<int>("files");      // -1: not checked
    QTest::addColumn<QString>("sameAs"); // a row whose id must be the same; empty: none

    auto row = [](const char *name, const QByteArray &text, bool broken, int files, const char *sameAs = "") {
        texts().insert(QString::fromLatin1(name), text);
        QTest::newRow(name) << text << broken << files << QString::fromLatin1(sameAs);
    };
    row("mail", mail(kSimple), false, 1);
    row("bare diff", kSimple, false, 1, "mail");
    row("no signature", mail(kSimple, ""), false, 1, "mail");
    row("other signature", mail(kSimple, "-- \nJane\nhttps://example.org\n"), false, 1, "mail");
    row("reply text after the diff", mail(kSimple, "\nThanks,\nJane\n"), false, 1, "mail");
    row("whitespace", mail(kSimpleWs), false, 1, "mail");
    row("two files", mail(kSimple + kSecond), false, 2);
    row("two files swapped", mail(kSecond + kSimple), false, 2, "two files");
    row("new file", mail(kNewFile), false, 1);
    row("deleted file", mail(kDeleted), false, 1);
    row("empty new file first", mail(kEmptyNew + kSimple), false, 2);
    row("empty new file last", mail(kSimple + kEmptyNew), false, 2);
    row("empty new file alone", mail(kEmptyNew), false, 1);
    row("rename 100%", mail(kRename100), false, 1);
    row("rename 100% and a change", mail(kRename100 + kSecond), false, 2);
    row("rename with edit", mail(kRenameEdit), false, 1);
    row("mode change", mail(kMode), false, 1);
    row("mode change and edit", mail(kModeEdit), false, 1);
    row("binary", mail(kBinary), false, 1);
    row("binary new", mail(kBinaryNew), false, 1);
    row("binary then text", mail(kBinary + kSimple), false, 2);
    row("text then binary", mail(kSimple + kBinary), false, 2);
    row("GIT binary patch", mail(kGitBinary), false, 1);
    row("GIT binary patch and text", mail(kGitBinary + kSimple), false, 2);
    row("no newline at end", mail(kNoNewline), false, 1);
    row("hunk header without counts", mail(kNoCounts), false, 1);
    row("form feed is not whitespace", mail(kFormFeed), false, 1);
    row("CRLF mail", crlf(mail(kSimple)), false, 1, "mail");
    row("CRLF binary index", crlf(mail(kBinaryNew)), false, 1);
    row("git log -p: first patch only", gitLog(kSimple, kSecond), false, 1, "mail");
    row("plain diff -u", mail(kPlainDiff), false, 1);
    row("quilt (no diff line)", mail(kQuilt), false, 0);
    row("no diff", mail(""), false, 0);
    row("quoted patch in a reply", "Jane wrote:\n" + quoted(kSimple) + "\nLooks good.\n", false, 0);
    row("NUL in a line", mail(kSimple.left(kSimple.size() - 1) + QByteArray("\0 ignored", 9) + "\n"), false, 1);
    row("truncated at the end", kTruncated, true, 1);
    row("truncated before the signature", mail(kTruncated), true, 1);
    row("truncated, then the next file", mail(kTruncated + kSecond), true, -1);
    row("stripped blank context line", mail(kStrippedBlank), true, 1);
    row("sha line ends the patch", mail(kSimple, "0123456789abcdef0123456789abcdef01234567\n" + kSecond), false, 1, "mail");
}

void TestPatchId::text()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, broken);
    QFETCH(int, files);
    QFETCH(QString, sameAs);

    const QByteArray git = gitPatchId(text);
    const PatchIdResult asGit = patchIdStable(text, TruncatedHunks::AsGit);
    QCOMPARE(asGit.id, git);
    QCOMPARE(asGit.broken, broken);
    QCOMPARE(git.isEmpty(), files == 0); // the table itself: git finds a patch where we say so
    const PatchIdResult ours = patchIdStable(text);
    QCOMPARE(ours.broken, broken);
    QCOMPARE(ours.id, broken ? QByteArray() : git);
    if (broken)
        QVERIFY2(!ours.problem.isEmpty(), "a broken patch says why");
    if (files >= 0)
        QCOMPARE(ours.files, files);
    if (!sameAs.isEmpty())
        QCOMPARE(ours.id, patchIdStable(texts().value(sameAs)).id);
}

void TestPatchId::commit_data()
{
    QTest::addColumn<QByteArray>("sha");
    QTest::addColumn<QByteArray>("expected");
    // git's own pipeline, with its defaults (rename detection on).
    const QByteArray log = m_repo->git({QStringLiteral("log"), QStringLiteral("-p"), QStringLiteral("--all")});
    const QHash<QByteArray, QByteArray> ids = kl::testing::parsePatchIds(
        runGit({QStringLiteral("patch-id"), QStringLiteral("--stable")}, log).out);
    QVERIFY(!ids.isEmpty());
    for (const auto &[label, sha] : std::as_const(m_repo->commits))
        QTest::newRow(qPrintable(label)) << sha << ids.value(sha);
}

void TestPatchId::commit()
{
    QFETCH(QByteArray, sha);
    QFETCH(QByteArray, expected);
    const QString label = QString::fromLatin1(QTest::currentDataTag());
    QCOMPARE(expected.isEmpty(), label == QLatin1String("merge") || label == QLatin1String("empty commit"));
    auto reader = kl::git::CommitPatchIds::open(m_repo->path());
    QVERIFY2(reader, qPrintable(reader.errorMessage()));
    const auto id = reader->patchId(sha);
    QVERIFY2(id, qPrintable(id.errorMessage()));
    QCOMPARE(id.value(), expected);
}

void TestPatchId::formatPatch_data()
{
    QTest::addColumn<QByteArray>("text");
    for (const auto &[label, sha] : std::as_const(m_repo->commits)) {
        if (label == QLatin1String("merge"))
            continue;
        const QByteArray text = m_repo->git({QStringLiteral("format-patch"), QStringLiteral("--stdout"),
                                             QStringLiteral("--root"), QStringLiteral("-1"), QString::fromLatin1(sha)});
        QTest::newRow(qPrintable(label)) << text;
    }
}

void TestPatchId::formatPatch()
{
    QFETCH(QByteArray, text);
    const PatchIdResult ours = patchIdStable(text);
    QVERIFY(!ours.broken);
    QCOMPARE(ours.id, gitPatchId(text));
}

void TestPatchId::commitErrors()
{
    auto missing = kl::git::CommitPatchIds::open(QStringLiteral("/nonexistent/repo"));
    QVERIFY(!missing);
    QVERIFY(missing.errorMessage().contains(QStringLiteral("/nonexistent/repo")));

    auto reader = kl::git::CommitPatchIds::open(m_repo->path());
    QVERIFY(reader);
    auto bad = reader->patchId("not-a-sha");
    QVERIFY(!bad);
    QVERIFY(bad.errorMessage().contains(m_repo->path()));
    QVERIFY(bad.errorMessage().contains(QStringLiteral("not-a-sha")));
    auto absent = reader->patchId("0123456789abcdef0123456789abcdef01234567");
    QVERIFY(!absent);
    QVERIFY(absent.errorMessage().contains(QStringLiteral("0123456789abcdef0123456789abcdef01234567")));
    // Still usable after an error.
    auto fine = reader->patchId(m_repo->commits.first().second);
    QVERIFY(fine && fine->size() == 40);
}

QTEST_GUILESS_MAIN(TestPatchId)
#include "tst_patch_id.moc"
