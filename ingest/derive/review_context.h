#pragma once
// What the review derivation needs to classify a series by the files it touches: the second
// language (git_settings of the git source, else the built-in definitions with Rust) and the
// MAINTAINERS sections of the newest analysed release of each git source, rolled up as the
// coverage inventory rolls them up (maint_sections.subsystem).

#include <kernellens/index/store.h>
#include <kernellens/ingest/languages.h>
#include <kernellens/ingest/subsystems.h>

#include <QHash>
#include <QRegularExpression>
#include <QStringList>

#include <memory>

namespace kl::derive {

class ReviewContext
{
public:
    static Result<ReviewContext> load(Store &store);

    // "second" for second-language work, else "c" when a file is C, else "other". Second-language
    // work is found by content, not only by file type: a file in the second language, a path
    // under a directory named after it (rust/Makefile, rust/bindings/bindings_helper.h), the
    // language named as a word in the title ("[RFC] Rust support", "kbuild: rust: ..."), or named
    // at least twice in the cover letter (`coverMentions`, counted by mentionsOfSecondLanguage).
    QString languageOf(const QStringList &files, const QString &title = {}, int coverMentions = 0) const;
    // How often the second language is named, as a capitalised word ("Rust", "Lua"), in `text`.
    int mentionsOfSecondLanguage(const QString &text) const;
    const QString &secondLanguage() const { return m_second; }
    // Rolled-up subsystems of the files under the git source's newest MAINTAINERS; the files'
    // top two directories when the source has none.
    QStringList subsystemsOf(qint64 gitSource, const QStringList &files) const;
    // For each list, the git source most of its linked patches went into; for a list without
    // links, the one whose newest release holds most of the files its patches touch.
    Result<QHash<qint64, qint64>> dominantSources(Store &store) const;

private:
    struct Maintainers
    {
        std::shared_ptr<SubsystemMap> map;
        QHash<QString, QString> subsystemOf; // section name -> rolled-up subsystem
    };
    ingest::LanguageMap m_languages = ingest::LanguageMap::builtin();
    QString m_second = QStringLiteral("Rust");
    QRegularExpression m_titleWord;
    QRegularExpression m_coverWord;
    QHash<qint64, Maintainers> m_maintainers;
    qint64 m_firstSource = 0;
};

} // namespace kl::derive
