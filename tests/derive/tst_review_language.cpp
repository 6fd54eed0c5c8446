// Second-language work found by content (derive/review_context.h): file type, a path under the
// language's directory, the language named in the title, or twice in the cover letter.

#include "derive/review_context.h"

#include <kernellens/index/store.h>

#include <QTemporaryDir>
#include <QTest>

using namespace kl;

class TestReviewLanguage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void language_data();
    void language();
    void coverMentions();

private:
    QTemporaryDir m_dir;
    std::optional<derive::ReviewContext> m_context;   // a store without git: Rust, built-in languages
};

void TestReviewLanguage::initTestCase()
{
    auto store = Store::open(m_dir.path(), Store::Mode::ReadWrite);
    QVERIFY2(store, qPrintable(store.errorMessage()));
    auto context = derive::ReviewContext::load(*store);
    QVERIFY2(context, qPrintable(context.errorMessage()));
    m_context.emplace(std::move(*context));
}

void TestReviewLanguage::language_data()
{
    QTest::addColumn<QString>("files");   // comma-separated
    QTest::addColumn<QString>("title");
    QTest::addColumn<int>("coverMentions");
    QTest::addColumn<QString>("expected");
    auto row = [](const char *name, const char *files, const char *title, int mentions, const char *expected) {
        QTest::newRow(name) << QString::fromUtf8(files) << QString::fromUtf8(title) << mentions << QString::fromUtf8(expected);
    };
    row("rust file", "rust/kernel/sync.rs", "rust: sync: add Arc", 0, "second");
    row("makefile under rust/", "rust/Makefile,Makefile", "Makefile: bound rustdoc workaround", 0, "second");
    row("C header under rust/", "rust/bindings/bindings_helper.h", "bindings: add phy", 0, "second");
    row("title prefix, no files", "", "kbuild: rust: add AutoFDO support", 0, "second");
    row("RFC title", "", "[RFC] Rust support", 0, "second");
    row("cover letter names it twice", "scripts/Makefile.modpost", "Implement DWARF modversions", 2, "second");
    row("cover letter names it once", "scripts/mod/modpost.c", "Implement DWARF modversions", 1, "c");
    row("C only", "kernel/sched/core.c", "sched: fix a race", 0, "c");
    row("word inside another", "security/keys/trusted.c", "keys: trusted: fix a leak", 0, "c");
    row("no C, no Rust", "Documentation/kbuild/kconfig.rst", "docs: kconfig: typo", 0, "other");
}

void TestReviewLanguage::language()
{
    QFETCH(QString, files);
    QFETCH(QString, title);
    QFETCH(int, coverMentions);
    QFETCH(QString, expected);
    QCOMPARE(m_context->languageOf(files.split(QLatin1Char(','), Qt::SkipEmptyParts), title, coverMentions), expected);
}

void TestReviewLanguage::coverMentions()
{
    QCOMPARE(m_context->mentionsOfSecondLanguage(QStringLiteral("This adds Rust support. Rust modules need it; rustc and trust do not count.")), 2);
    QCOMPARE(m_context->mentionsOfSecondLanguage(QStringLiteral("see rust/Makefile")), 0);
}

QTEST_GUILESS_MAIN(TestReviewLanguage)
#include "tst_review_language.moc"
