#pragma once
// The Add Git Repository dialog: repository, branch, and the per-source settings that persist
// with the source (second language, language definitions, release tags, subsystem scheme,
// binding model and tree; docs/git.md "Per-source settings"). For a repository the store already
// holds, the fields start from its stored settings, so pressing Ingest changes nothing unless
// the user edits a field.

#include <QDialog>
#include <QHash>
#include <QString>

class QComboBox;
class QLineEdit;
class QLabel;

namespace kl::gui {

struct GitSourceRequest
{
    QString source;
    QString branch;
    QHash<QString, QString> settings;   // setting name (source_settings.h) -> value
};

class GitSourceDialog : public QDialog
{
    Q_OBJECT
public:
    // `stored`: location -> stored settings of every git source of the store (storedGitSettings).
    explicit GitSourceDialog(const QHash<QString, QHash<QString, QString>> &stored, QWidget *parent = nullptr);

    void setSource(const QString &source);
    GitSourceRequest request() const;

    // Every git source's stored settings with defaults filled in; read on the calling thread
    // (one small query on a read-only store; an absent store gives none).
    static QHash<QString, QHash<QString, QString>> storedGitSettings(const QString &storeDir);

private:
    void prefill(const QString &source);
    void updateBindingTree();

    QHash<QString, QHash<QString, QString>> m_stored;
    QLineEdit *m_source = nullptr;
    QLineEdit *m_branch = nullptr;
    QComboBox *m_secondLanguage = nullptr;
    QComboBox *m_languages = nullptr;
    QLineEdit *m_tags = nullptr;
    QComboBox *m_scheme = nullptr;
    QComboBox *m_bindingModel = nullptr;
    QLineEdit *m_bindingTree = nullptr;
    QLabel *m_storedNote = nullptr;
};

} // namespace kl::gui
