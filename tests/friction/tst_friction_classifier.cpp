// The message-level classifier: technical vocabulary stays civil, clear incivility is found per
// category, NAKs and refusals are detected, shouting is told apart from acronyms, and load
// errors name the file at fault.

#include <kernellens/ingest/friction.h>

#include <QTemporaryDir>
#include <QTest>

using namespace kl::friction;

class TestFrictionClassifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void technicalVocabularyIsCivil_data();
    void technicalVocabularyIsCivil();
    void clearIncivility_data();
    void clearIncivility();
    void naks_data();
    void naks();
    void refusalIsRejectionNotIncivility();
    void shouting_data();
    void shouting();
    void quotesAndCodeAreIgnored();
    void evidenceSpansPointIntoTheText();
    void missingModelNamesTheFile();
    void corruptModelNamesTheFileAndLine();
    void badLexiconNamesTheFileAndLine();

private:
    std::optional<FrictionClassifier> m_classifier;
};

void TestFrictionClassifier::initTestCase()
{
    auto c = FrictionClassifier::load();
    QVERIFY2(c, qPrintable(c.errorMessage()));
    m_classifier = c.value();
    QVERIFY(m_classifier->threshold() > 0 && m_classifier->threshold() < 1);
    QVERIFY(!m_classifier->modelVersion().isEmpty());
}

void TestFrictionClassifier::technicalVocabularyIsCivil_data()
{
    QTest::addColumn<QString>("text");
    const char *const rows[] = {
        "This will kill the process if the timeout expires.",
        "We abort the transaction when the peer is dead.",
        "Dump the stack and panic if the invariant is violated.",
        "The garbage collection of stale entries happens in the worker thread.",
        "The master/slave naming in this driver should become controller/target.",
        "This is a hack to work around a compiler bug; we should fix it properly later.",
        "The old path is dead code now, so just remove it in a follow-up.",
        "Let the child die and reap it from the parent.",
        "That fatal error is expected when the firmware file is missing.",
        "The bogus value comes from an uninitialised variable on the error path.",
        "Let's drop all the compat crap once the minimum rustc version is bumped.",
        "Kill the kthread before freeing the device, otherwise it will crash.",
        "Nuke the cached state on resume and rebuild it lazily.",
        "The OOM killer picks a victim and kills it.",
        "Thanks, applied to kbuild-next.",
        "Please use the rust: prefix in the subject line.",
        "Why is this needed? Please explain it in the commit message.",
        "I think this breaks the build with CONFIG_RUST=y and clang 15.",
        "Reviewed-by: Jane Doe <jane@example.org>",
        "The zombie task is never reaped because the parent ignores SIGCHLD.",
        // Short review boilerplate (a false hit of feature version 3 on kbuild).
        "Looks ok to me, feel free to add",
        "Looks good to me.",
        // Insults aimed at tools, not people.
        "Clang emits idiotic diagnostics for this construct.",
        "gcc is being stupid here and warns about an unused variable.",
    };
    for (const char *r : rows)
        QTest::newRow(r) << QString::fromUtf8(r);
}

void TestFrictionClassifier::technicalVocabularyIsCivil()
{
    QFETCH(QString, text);
    const MessageFriction m = m_classifier->score(text);
    QVERIFY2(!m.uncivil, qPrintable(QStringLiteral("score %1 >= %2").arg(m.score).arg(m_classifier->threshold())));
    QCOMPARE(m.naks, 0);
    QVERIFY(!m.shouting);
}

void TestFrictionClassifier::clearIncivility_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("category");
    QTest::newRow("bitter frustration") << QStringLiteral("I am sick of explaining this again and again. This is a waste of my time.") << QStringLiteral("bitter_frustration");
    QTest::newRow("impatience") << QStringLiteral("Any update on this?? I have been waiting for months and it is still not fixed. Hurry up.") << QStringLiteral("impatience");
    QTest::newRow("mocking") << QStringLiteral("Did you even compile this? lol. Nice job, genius.") << QStringLiteral("mocking");
    QTest::newRow("name calling") << QStringLiteral("Only an idiot would write code like this. Are you a moron?") << QStringLiteral("name_calling");
    QTest::newRow("insulting") << QStringLiteral("You clearly don't understand locking at all. This patch is useless, learn to read.") << QStringLiteral("insulting");
    QTest::newRow("vulgarity") << QStringLiteral("This is utter crap. What the hell were you thinking, for fuck's sake?") << QStringLiteral("vulgarity");
    QTest::newRow("threat") << QStringLiteral("Send this shit again and I will report you and get you banned from the list, you idiot.") << QStringLiteral("threat");
    QTest::newRow("entitlement") << QStringLiteral("I demand that you fix this stupid bug now. It's your job, my customers are waiting, damn it.") << QStringLiteral("entitlement");
    QTest::newRow("insult near a tool, aimed at a person") << QStringLiteral("You are an idiot, the compiler told you so.") << QStringLiteral("name_calling");
    QTest::newRow("irony") << QStringLiteral("Oh great, thanks for breaking the build yet again. Who would have thought, genius. Pathetic.") << QStringLiteral("irony");
}

void TestFrictionClassifier::clearIncivility()
{
    QFETCH(QString, text);
    QFETCH(QString, category);
    const MessageFriction m = m_classifier->score(text);
    QVERIFY2(m.uncivil, qPrintable(QStringLiteral("score %1 < %2").arg(m.score).arg(m_classifier->threshold())));
    QVERIFY2(m.categories.contains(category), qPrintable(m.categories.join(QLatin1Char(','))));
    QVERIFY(!m.evidence.isEmpty());
    bool categoryEvidence = false;
    for (const Evidence &e : m.evidence)
        categoryEvidence = categoryEvidence || (e.category == category && text.contains(e.sentence.left(10)));
    QVERIFY(categoryEvidence);
}

void TestFrictionClassifier::naks_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("naks");
    QTest::newRow("bare NAK") << QStringLiteral("NAK.\n\nThis breaks the ABI.") << 1;
    QTest::newRow("NAK with reason") << QStringLiteral("NAK, this changes the user-visible behaviour.") << 1;
    QTest::newRow("NACK") << QStringLiteral("NACK: we agreed on a different interface.") << 1;
    QTest::newRow("Nacked-by trailer") << QStringLiteral("See above.\n\nNacked-by: Jane Doe <jane@example.org>\n") << 1;
    QTest::newRow("a NAK on the bus") << QStringLiteral("The device answers with a NAK when the FIFO is full.") << 0;
    QTest::newRow("talking about the NAK") << QStringLiteral("I don't understand the NAK from last week.") << 0;
    QTest::newRow("lower-case word") << QStringLiteral("the snak and nak helpers are unused") << 0;
    QTest::newRow("acked") << QStringLiteral("Acked-by: Jane Doe <jane@example.org>") << 0;
}

void TestFrictionClassifier::naks()
{
    QFETCH(QString, text);
    QFETCH(int, naks);
    const MessageFriction m = m_classifier->score(text);
    QCOMPARE(m.naks, naks);
    QCOMPARE(m.rejection, naks > 0);
    if (naks) {
        QVERIFY(m.categories.contains(QStringLiteral("rejection")));
        bool found = false;
        for (const Evidence &e : m.evidence)
            found = found || e.category == QLatin1String("nak");
        QVERIFY(found);
    }
}

void TestFrictionClassifier::refusalIsRejectionNotIncivility()
{
    const MessageFriction m = m_classifier->score(QStringLiteral(
        "Sorry, but I will not apply this until the binding has a user in the tree."));
    QVERIFY(m.rejection);
    QVERIFY(!m.uncivil);
    QCOMPARE(m.categories, QStringList{QStringLiteral("rejection")});
    QCOMPARE(m.evidence.size(), 1);
    QCOMPARE(m.evidence.first().signal, QStringLiteral("i|we will not apply"));
}

void TestFrictionClassifier::shouting_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("shouting");
    QTest::newRow("shouting") << QStringLiteral("THIS IS COMPLETELY WRONG AND YOU KNOW IT.") << true;
    QTest::newRow("shouting in a message") << QStringLiteral("Well.\n\nSTOP SENDING THESE BROKEN PATCHES.\n") << true;
    QTest::newRow("patch subject words") << QStringLiteral("[PATCH v3 2/7] rust: CONFIG_RUST depends on LLVM and GCC plugins") << false;
    QTest::newRow("NAK and ABI") << QStringLiteral("NAK. Please fix the ABI first.") << false;
    QTest::newRow("config symbols") << QStringLiteral("Enable CONFIG_RUST and CONFIG_DEBUG_INFO_BTF together.") << false;
    QTest::newRow("acronyms") << QStringLiteral("FWIW, IMHO the API and ABI docs in MAINTAINERS are fine.") << false;
    QTest::newRow("one emphatic word") << QStringLiteral("This is NOT what the documentation says.") << false;
}

void TestFrictionClassifier::shouting()
{
    QFETCH(QString, text);
    QFETCH(bool, shouting);
    QCOMPARE(m_classifier->score(text).shouting, shouting);
}

void TestFrictionClassifier::quotesAndCodeAreIgnored()
{
    // Insults in quoted lines, code and diffs are not the author's words.
    const QString text = QStringLiteral(
        "> You are an idiot and this is utter crap.\n"
        "\n"
        "I looked at it again and it seems fine to me.\n"
        "\n"
        "\tkill_idiot_process(crap); /* fuck */\n"
        "\n"
        "diff --git a/x.c b/x.c\n"
        "--- a/x.c\n"
        "+++ b/x.c\n"
        "+/* what the hell, this is shit */\n");
    const MessageFriction m = m_classifier->score(text);
    QVERIFY2(!m.uncivil, qPrintable(QString::number(m.score)));
    QVERIFY(m.evidence.isEmpty());
}

void TestFrictionClassifier::evidenceSpansPointIntoTheText()
{
    const QString text = QStringLiteral("Hi,\n\nthanks for the patch.\n\nNAK. This is utter crap and\nyou know it, you idiot.\n");
    const MessageFriction m = m_classifier->score(text);
    QVERIFY(m.uncivil);
    QVERIFY(!m.evidence.isEmpty());
    for (const Evidence &e : m.evidence) {
        QVERIFY(e.start >= 0 && e.start + e.length <= text.size());
        QCOMPARE(text.mid(e.start, e.length).simplified(), e.sentence);
    }
}

void TestFrictionClassifier::missingModelNamesTheFile()
{
    const QString path = QStringLiteral("/nonexistent/dir/friction.model");
    auto c = FrictionClassifier::load(path);
    QVERIFY(!c);
    QVERIFY2(c.errorMessage().contains(path), qPrintable(c.errorMessage()));
}

void TestFrictionClassifier::corruptModelNamesTheFileAndLine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bad.model"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("solver_type L2R_LR\nnr_class 2\nlabel 1 0\nnr_feature 3\nbias -1\nw\n0.5 \nnot-a-number \n");
    f.close();
    auto c = FrictionClassifier::load(path);
    QVERIFY(!c);
    QVERIFY2(c.errorMessage().startsWith(path + QStringLiteral(":8:")), qPrintable(c.errorMessage()));
}

void TestFrictionClassifier::badLexiconNamesTheFileAndLine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lexicon.tsv"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("# comment\nvulgarity\tdamn\nrudeness\tbad words\n");
    f.close();
    auto c = FrictionClassifier::load(QStringLiteral(":/kernellens/friction/friction.model"), path);
    QVERIFY(!c);
    QVERIFY2(c.errorMessage().startsWith(path + QStringLiteral(":3:")), qPrintable(c.errorMessage()));
    QVERIFY(c.errorMessage().contains(QStringLiteral("rudeness")));
}

QTEST_GUILESS_MAIN(TestFrictionClassifier)
#include "tst_friction_classifier.moc"
