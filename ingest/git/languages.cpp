#include <kernellens/ingest/languages.h>

#include "languages_builtin.h"

#include <QFile>

#include <fnmatch.h>

namespace kl::ingest {

LanguageMap LanguageMap::builtin()
{
    static const LanguageMap map = [] {
        auto parsed = parse(QByteArray(kBuiltinLanguages), QStringLiteral("built-in languages.conf"));
        Q_ASSERT(parsed.isOk());
        return parsed.isOk() ? parsed.value() : LanguageMap();
    }();
    return map;
}

QString LanguageMap::builtinText()
{
    return QString::fromUtf8(kBuiltinLanguages);
}

QString LanguageMap::namedText(const QString &name)
{
    return name == QLatin1String("netbsd") ? QString::fromUtf8(kNetBsdLanguages) : QString();
}

QStringList LanguageMap::namedDefinitions()
{
    return {QStringLiteral("netbsd")};
}

Result<LanguageMap> LanguageMap::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Status::error(path + QStringLiteral(": cannot read language definitions: ")
                             + file.errorString());
    return parse(file.readAll(), path);
}

Result<LanguageMap> LanguageMap::parse(const QByteArray &text, const QString &origin)
{
    LanguageMap map;
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype colon = line.indexOf(':');
        const QString where = origin + QStringLiteral(": line %1: ").arg(i + 1);
        if (colon <= 0)
            return Status::error(where + QStringLiteral("expected \"NAME: PATTERN ...\""));
        const QString name = QString::fromUtf8(line.left(colon).trimmed());
        if (name.compare(otherLanguage(), Qt::CaseInsensitive) == 0)
            return Status::error(where + QStringLiteral("\"Other\" is implicit (what matches nothing)"));
        const QList<QByteArray> patterns = line.mid(colon + 1).simplified().split(' ');
        int index = int(map.m_languages.indexOf(name));
        if (index < 0) {
            map.m_languages.append(name);
            index = int(map.m_languages.size() - 1);
        }
        bool any = false;
        for (const QByteArray &pattern : patterns) {
            if (pattern.isEmpty())
                continue;
            any = true;
            map.m_rules.append(Rule{index, pattern, pattern.contains('/')});
        }
        if (!any)
            return Status::error(where + QStringLiteral("language %1 has no pattern").arg(name));
    }
    if (map.m_rules.isEmpty())
        return Status::error(origin + QStringLiteral(": no language definitions"));
    return map;
}

QString LanguageMap::classify(const QByteArray &path) const
{
    const qsizetype slash = path.lastIndexOf('/');
    const char *base = path.constData() + slash + 1;
    for (const Rule &rule : m_rules) {
        if (::fnmatch(rule.pattern.constData(), rule.wholePath ? path.constData() : base, 0) == 0)
            return m_languages.at(rule.language);
    }
    return otherLanguage();
}

QStringList LanguageMap::languages() const
{
    QStringList all = m_languages;
    all.append(otherLanguage());
    return all;
}

bool LanguageMap::hasLanguage(const QString &name) const
{
    return m_languages.contains(name) || name == otherLanguage();
}

} // namespace kl::ingest
