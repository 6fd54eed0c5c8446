// The Add Git Repository dialog: the per-source settings start from the store for a known
// source (so Ingest changes nothing unless edited), from the defaults for a new one, and reach
// the ingest request.

#include "git_source_dialog.h"

#include <kernellens/index/store.h>
#include <kernellens/ingest/git_ingest.h>
#include <kernellens/ingest/source_settings.h>

#include <QComboBox>
#include <QLineEdit>
#include <QTemporaryDir>
#include <QTest>

#include "../git/scratch_repo.h"

using namespace kl;

class TestGitSourceDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void knownSourceIsPrefilled();
    void newSourceGetsDefaults();
    void editedFieldReachesRequest();
    void absentStoreHasNoSources();

private:
    testing::Scratch m_repo;
    QTemporaryDir m_dir;
    QString m_location;
};

void TestGitSourceDialog::initTestCase()
{
    m_repo.write(QStringLiteral("sys/modules/luapmf/luapmf.c"), testing::lines(10, "c"));
    m_repo.commit(QStringLiteral("one"));
    m_repo.tag(QStringLiteral("netbsd-8-0-RELEASE"));
    auto store = Store::open(m_dir.filePath(QStringLiteral("s")), Store::Mode::ReadWrite);
    QVERIFY(store);
    ingest::GitIngestOptions o;
    o.source = m_repo.path();
    o.secondLanguage = QStringLiteral("Lua bindings");
    o.languagesFile = QStringLiteral("netbsd");
    o.tagPattern = QStringLiteral("netbsd-*");
    o.subsystemScheme = QStringLiteral("dirs:sys/modules/*:1");
    o.bindingModel = QStringLiteral("scripting");
    auto s = ingest::ingestGit(*store, o, JobContext{});
    QVERIFY2(s, qPrintable(s.errorMessage()));
    m_location = s->repositoryPath;
}

void TestGitSourceDialog::knownSourceIsPrefilled()
{
    const auto stored = gui::GitSourceDialog::storedGitSettings(m_dir.filePath(QStringLiteral("s")));
    QVERIFY2(stored.contains(m_location), qPrintable(QStringList(stored.keys()).join(QLatin1Char(','))));
    gui::GitSourceDialog dialog(stored);
    dialog.setSource(m_location);
    const gui::GitSourceRequest r = dialog.request();
    QCOMPARE(r.source, m_location);
    QCOMPARE(r.settings.value(ingest::setting::secondLanguage()), QStringLiteral("Lua bindings"));
    QCOMPARE(r.settings.value(ingest::setting::languagesFile()), QStringLiteral("netbsd"));
    QCOMPARE(r.settings.value(ingest::setting::tagPattern()), QStringLiteral("netbsd-*"));
    QCOMPARE(r.settings.value(ingest::setting::subsystemScheme()), QStringLiteral("dirs:sys/modules/*:1"));
    QCOMPARE(r.settings.value(ingest::setting::bindingModel()), QStringLiteral("scripting"));
    QVERIFY(!dialog.findChildren<QLineEdit *>().isEmpty());
}

void TestGitSourceDialog::newSourceGetsDefaults()
{
    const auto stored = gui::GitSourceDialog::storedGitSettings(m_dir.filePath(QStringLiteral("s")));
    gui::GitSourceDialog dialog(stored);
    dialog.setSource(m_location);   // prefilled, then another path: back to the defaults
    dialog.setSource(QStringLiteral("/elsewhere/linux"));
    const gui::GitSourceRequest r = dialog.request();
    QCOMPARE(r.settings.value(ingest::setting::secondLanguage()), QStringLiteral("Rust"));
    QCOMPARE(r.settings.value(ingest::setting::languagesFile()), QStringLiteral("builtin"));
    QCOMPARE(r.settings.value(ingest::setting::tagPattern()), QStringLiteral("v*"));
    QCOMPARE(r.settings.value(ingest::setting::subsystemScheme()), QStringLiteral("auto"));
    QCOMPARE(r.settings.value(ingest::setting::bindingModel()), QStringLiteral("linux"));
    QCOMPARE(r.settings.value(ingest::setting::bindingTree()), QString());
}

void TestGitSourceDialog::editedFieldReachesRequest()
{
    gui::GitSourceDialog dialog({});
    dialog.setSource(QStringLiteral("/src/freebsd-kpi-rs"));
    QComboBox *model = nullptr;
    for (auto *combo : dialog.findChildren<QComboBox *>())
        if (combo->findData(QStringLiteral("crate")) >= 0)
            model = combo;
    QVERIFY(model);
    model->setCurrentIndex(model->findData(QStringLiteral("crate")));
    QLineEdit *tree = nullptr;
    for (auto *edit : dialog.findChildren<QLineEdit *>())
        if (edit->placeholderText().startsWith(QLatin1String("crate:")))
            tree = edit;
    QVERIFY(tree);
    QVERIFY(tree->isEnabled());   // only the crate model has a binding tree
    tree->setText(QStringLiteral("/src/freebsd-src"));
    const gui::GitSourceRequest r = dialog.request();
    QCOMPARE(r.settings.value(ingest::setting::bindingModel()), QStringLiteral("crate"));
    QCOMPARE(r.settings.value(ingest::setting::bindingTree()), QStringLiteral("/src/freebsd-src"));
    model->setCurrentIndex(model->findData(QStringLiteral("linux")));
    QVERIFY(!tree->isEnabled());
    QCOMPARE(dialog.request().settings.value(ingest::setting::bindingTree()), QString());
}

void TestGitSourceDialog::absentStoreHasNoSources()
{
    QVERIFY(gui::GitSourceDialog::storedGitSettings(m_dir.filePath(QStringLiteral("none"))).isEmpty());
}

QTEST_MAIN(TestGitSourceDialog)
#include "tst_git_source_dialog.moc"
