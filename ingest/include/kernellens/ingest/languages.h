#pragma once
// Language classes of paths, from a definition file (resources/languages/languages.conf is
// compiled in; `--languages FILE` replaces it). Format and matching rules: docs/git.md.

#include <kernellens/index/result.h>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace kl::ingest {

class LanguageMap
{
public:
    // The compiled-in definitions.
    static LanguageMap builtin();
    static Result<LanguageMap> fromFile(const QString &path);
    // `origin` names the text in error messages ("langs.conf: line 3: ...").
    static Result<LanguageMap> parse(const QByteArray &text, const QString &origin);

    // The language of a path relative to the top of the tree (UTF-8, '/' separators);
    // otherLanguage() when nothing matches.
    QString classify(const QByteArray &path) const;
    QString classify(const QString &path) const { return classify(path.toUtf8()); }

    // Defined languages in definition order, then "Other".
    QStringList languages() const;
    bool hasLanguage(const QString &name) const;

    static QString otherLanguage() { return QStringLiteral("Other"); }
    static QString builtinText();
    // Named definitions shipped with KernelLens ("netbsd": resources/languages/netbsd.conf), for
    // `--languages NAME`; empty for an unknown name.
    static QString namedText(const QString &name);
    static QStringList namedDefinitions();

private:
    struct Rule
    {
        int language;          // index into m_languages
        QByteArray pattern;    // NUL-terminated for fnmatch
        bool wholePath;        // pattern contains '/'
    };
    QStringList m_languages;
    QList<Rule> m_rules;
};

} // namespace kl::ingest
