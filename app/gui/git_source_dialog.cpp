#include "git_source_dialog.h"

#include <kernellens/index/store.h>
#include <kernellens/ingest/source_settings.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace kl::gui {

namespace {

QComboBox *editableCombo(const QStringList &items, QWidget *parent)
{
    auto *combo = new QComboBox(parent);
    combo->setEditable(true);
    combo->addItems(items);
    return combo;
}

} // namespace

QHash<QString, QHash<QString, QString>> GitSourceDialog::storedGitSettings(const QString &storeDir)
{
    QHash<QString, QHash<QString, QString>> all;
    auto store = Store::open(storeDir, Store::Mode::ReadOnly);
    if (!store)
        return all;
    QList<QPair<qint64, QString>> sources;
    const Status listed = store->db().forEachRow(QStringLiteral("SELECT id, location FROM sources WHERE kind = 'git'"), {},
                                                 [&](const Statement &row) { sources.append({row.int64(0), row.text(1)}); });
    if (!listed)
        return all;
    for (const auto &[id, location] : std::as_const(sources))
        if (auto settings = ingest::effectiveSettings(*store, id))
            all.insert(location, *settings);
    return all;
}

GitSourceDialog::GitSourceDialog(const QHash<QString, QHash<QString, QString>> &stored, QWidget *parent)
    : QDialog(parent), m_stored(stored)
{
    setWindowTitle(tr("Add Git Repository"));
    auto *form = new QFormLayout(this);
    m_source = new QLineEdit(this);
    m_source->setPlaceholderText(tr("/path/to/linux or https://… URL"));
    auto *browse = new QPushButton(tr("Browse…"), this);
    auto *row = new QHBoxLayout;
    row->addWidget(m_source, 1);
    row->addWidget(browse);
    m_branch = new QLineEdit(this);
    m_branch->setPlaceholderText(tr("default branch"));
    m_storedNote = new QLabel(this);
    m_storedNote->setWordWrap(true);
    m_secondLanguage = editableCombo({QStringLiteral("Rust"), QStringLiteral("Lua"), QStringLiteral("Lua bindings")}, this);
    m_secondLanguage->setToolTip(tr("The language whose adoption is measured; any language the definitions name"));
    m_languages = editableCombo({tr("built-in"), QStringLiteral("netbsd")}, this);
    m_languages->setToolTip(tr("Language definitions: the built-in ones, netbsd (shipped: Lua bindings, scripts and "
                               "interpreter apart), or a definitions file"));
    auto *browseLanguages = new QPushButton(tr("File…"), this);
    auto *languagesRow = new QHBoxLayout;
    languagesRow->addWidget(m_languages, 1);
    languagesRow->addWidget(browseLanguages);
    m_tags = new QLineEdit(this);
    m_tags->setPlaceholderText(QStringLiteral("v*"));
    m_scheme = editableCombo({QStringLiteral("auto"), QStringLiteral("linux"), QStringLiteral("freebsd"), QStringLiteral("dirs:2"),
                              QStringLiteral("dirs:sys/dev/*,sys/kern,sys/net*,sys/fs/*:1")},
                             this);
    m_scheme->setToolTip(tr("auto: Linux MAINTAINERS, else FreeBSD's table format, else directories (the scheme used is "
                            "stored and shown); dirs:ROOT[,ROOT…][:DEPTH] for directories under roots"));
    m_bindingModel = new QComboBox(this);
    m_bindingModel->addItem(tr("Linux (in-tree Rust)"), QStringLiteral("linux"));
    m_bindingModel->addItem(tr("Out-of-tree binding crate (FreeBSD)"), QStringLiteral("crate"));
    m_bindingModel->addItem(tr("In-kernel scripting (NetBSD Lua)"), QStringLiteral("scripting"));
    m_bindingTree = new QLineEdit(this);
    m_bindingTree->setPlaceholderText(tr("crate: the ingested C tree it binds"));

    form->addRow(tr("Repository"), row);
    form->addRow(QString(), m_storedNote);
    form->addRow(tr("Branch"), m_branch);
    form->addRow(tr("Second language"), m_secondLanguage);
    form->addRow(tr("Language definitions"), languagesRow);
    form->addRow(tr("Release tags"), m_tags);
    form->addRow(tr("Subsystems"), m_scheme);
    form->addRow(tr("Binding model"), m_bindingModel);
    form->addRow(tr("Binding tree"), m_bindingTree);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Ingest"));
    form->addRow(buttons);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Git Repository"));
        if (!dir.isEmpty())
            setSource(dir);
    });
    connect(browseLanguages, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Language Definitions"));
        if (!file.isEmpty())
            m_languages->setCurrentText(file);
    });
    connect(m_source, &QLineEdit::textChanged, this, &GitSourceDialog::prefill);
    connect(m_bindingModel, &QComboBox::currentIndexChanged, this, &GitSourceDialog::updateBindingTree);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    prefill(QString());
}

void GitSourceDialog::setSource(const QString &source)
{
    m_source->setText(source);
}

// A stored source fills every setting from the store; an unknown one shows the defaults.
void GitSourceDialog::prefill(const QString &source)
{
    const QString key = source.trimmed();
    const auto it = m_stored.constFind(key);
    const bool known = it != m_stored.cend();
    auto value = [&](const QString &name) { return known ? it->value(name) : ingest::defaultSetting(name); };
    m_secondLanguage->setCurrentText(value(ingest::setting::secondLanguage()));
    const QString languages = value(ingest::setting::languagesFile());
    m_languages->setCurrentText(languages.isEmpty() ? tr("built-in") : languages);
    m_tags->setText(value(ingest::setting::tagPattern()));
    m_scheme->setCurrentText(value(ingest::setting::subsystemScheme()));
    const int model = m_bindingModel->findData(value(ingest::setting::bindingModel()));
    m_bindingModel->setCurrentIndex(model < 0 ? 0 : model);
    m_bindingTree->setText(value(ingest::setting::bindingTree()));
    const QString used = known ? it->value(ingest::setting::subsystemSchemeUsed()) : QString();
    m_storedNote->setText(known ? tr("Already in the store: the settings below are its stored ones%1.")
                                      .arg(used.isEmpty() ? QString() : tr(" (subsystems used: %1)").arg(used))
                                : QString());
    m_storedNote->setVisible(known);
    updateBindingTree();
}

void GitSourceDialog::updateBindingTree()
{
    m_bindingTree->setEnabled(m_bindingModel->currentData().toString() == QLatin1String("crate"));
}

GitSourceRequest GitSourceDialog::request() const
{
    GitSourceRequest r;
    r.source = m_source->text().trimmed();
    r.branch = m_branch->text().trimmed();
    const QString languages = m_languages->currentText().trimmed();
    r.settings.insert(ingest::setting::secondLanguage(), m_secondLanguage->currentText().trimmed());
    r.settings.insert(ingest::setting::languagesFile(), languages == tr("built-in") ? QStringLiteral("builtin") : languages);
    r.settings.insert(ingest::setting::tagPattern(), m_tags->text().trimmed());
    r.settings.insert(ingest::setting::subsystemScheme(), m_scheme->currentText().trimmed());
    r.settings.insert(ingest::setting::bindingModel(), m_bindingModel->currentData().toString());
    r.settings.insert(ingest::setting::bindingTree(), m_bindingTree->isEnabled() ? m_bindingTree->text().trimmed() : QString());
    return r;
}

} // namespace kl::gui
