#include <kernellens/ingest/subsystems.h>

#include <QRegularExpression>

#include <algorithm>

namespace kl {

namespace {

const QString kKnownTypes = QStringLiteral("MRLSWQBCPTFXNK");

bool isFieldLine(const QString &line)
{
    // get_maintainer.pl: m/^([A-Z]):\s*(.*)/
    return line.size() >= 2 && line.at(0) >= QLatin1Char('A') && line.at(0) <= QLatin1Char('Z')
        && line.at(1) == QLatin1Char(':');
}

bool isBlankOrComment(const QString &line)
{
    // get_maintainer.pl skips /^\s*$/ and /^\s*\#/
    for (QChar c : line) {
        if (c.isSpace())
            continue;
        return c == QLatin1Char('#');
    }
    return true;
}

// Perl's "\s*" after the colon, then the rest of the line verbatim (trailing blanks included,
// as get_maintainer.pl keeps them in the pattern).
QString rawFieldValue(const QString &line)
{
    int i = 2;
    while (i < line.size() && line.at(i).isSpace())
        ++i;
    return line.mid(i);
}

int slashCount(const QString &s)
{
    return int(s.count(QLatin1Char('/')));
}

// The longest run of characters every match of `regex` must contain, to skip most regex calls.
// Empty when the pattern has groups or alternation (a run could be optional there).
QString requiredLiteral(const QString &regex, bool extended)
{
    if (regex.contains(QLatin1Char('(')) || regex.contains(QLatin1Char('|')))
        return {};
    QString best, run;
    auto endRun = [&]() {
        if (run.size() > best.size())
            best = run;
        run.clear();
    };
    for (int i = 0; i < regex.size(); ++i) {
        const QChar c = regex.at(i);
        if (extended && c.isSpace())
            continue;
        if (extended && c == QLatin1Char('#'))
            break;
        if (c == QLatin1Char('\\')) {
            if (i + 1 < regex.size() && regex.at(i + 1) == QLatin1Char('.')
                && !(i + 2 < regex.size() && QStringLiteral("*+?{").contains(regex.at(i + 2)))) {
                run += QLatin1Char('.');
            } else {
                endRun();
            }
            ++i;
            continue;
        }
        if (c == QLatin1Char('[')) {
            endRun();
            int j = i + 1;
            if (j < regex.size() && regex.at(j) == QLatin1Char('^'))
                ++j;
            if (j < regex.size() && regex.at(j) == QLatin1Char(']'))
                ++j;
            while (j < regex.size() && regex.at(j) != QLatin1Char(']'))
                ++j;
            i = j;
            continue;
        }
        if (c == QLatin1Char('*') || c == QLatin1Char('+') || c == QLatin1Char('?') || c == QLatin1Char('{')) {
            if (!run.isEmpty())
                run.chop(1);
            endRun();
            if (c == QLatin1Char('{'))
                while (i < regex.size() && regex.at(i) != QLatin1Char('}'))
                    ++i;
            continue;
        }
        if (c == QLatin1Char('.') || c == QLatin1Char('^') || c == QLatin1Char('$')) {
            endRun();
            continue;
        }
        // A character followed by a quantifier is optional.
        if (i + 1 < regex.size() && QStringLiteral("*+?{").contains(regex.at(i + 1))) {
            endRun();
            continue;
        }
        run += c;
    }
    endRun();
    return best;
}

struct FilePattern
{
    QString regexText;            // as get_maintainer.pl builds it
    QString literalPrefix;        // the characters every match starts with
    bool literal = false;         // regexText is just literalPrefix (no metacharacters)
    bool recursive = false;       // ends with '/'
    int slashes = 0;
    QString required;             // a substring every match contains (prefilter)
    QRegularExpression regex;     // "^" + regexText, only when !literal
    QString invalid;              // why the pattern does not compile: it then matches nothing

    bool matches(const QString &path) const
    {
        if (!invalid.isEmpty() || !path.startsWith(literalPrefix))
            return false;
        if (!recursive && slashCount(path) != slashes)
            return false;
        if (literal)
            return true;
        if (!required.isEmpty() && !path.contains(required))
            return false;
        return regex.match(path).hasMatch();
    }
};

// Characters Perl treats specially in a pattern; '\.' is the one escape the conversion produces.
bool isRegexMeta(QChar c)
{
    static const QString meta = QStringLiteral(".^$|()[]{}*+?\\");
    return meta.contains(c);
}

FilePattern makeFilePattern(const QString &rawValue, const QSet<QString> &directories)
{
    QString v = rawValue;
    v.replace(QLatin1Char('.'), QStringLiteral("\\."));
    v.replace(QLatin1Char('*'), QStringLiteral(".*"));
    v.replace(QLatin1Char('?'), QLatin1Char('.'));
    // get_maintainer.pl: if ((-d $value)) { $value =~ s@([^/])$@$1/@; } — the test runs on the
    // converted text, so a directory name with a '.' in it never gets the slash.
    if (!v.isEmpty() && !v.endsWith(QLatin1Char('/')) && directories.contains(v))
        v += QLatin1Char('/');

    FilePattern p;
    p.regexText = v;
    p.recursive = v.endsWith(QLatin1Char('/'));
    p.slashes = slashCount(v);
    QString prefix;
    bool literal = true;
    for (int i = 0; i < v.size(); ++i) {
        const QChar c = v.at(i);
        if (c == QLatin1Char('\\') && i + 1 < v.size() && v.at(i + 1) == QLatin1Char('.')) {
            prefix += QLatin1Char('.');
            ++i;
            continue;
        }
        if (isRegexMeta(c)) {
            literal = false;
            // A quantifier makes the character before it optional.
            if ((c == QLatin1Char('*') || c == QLatin1Char('+') || c == QLatin1Char('?')
                 || c == QLatin1Char('{'))
                && !prefix.isEmpty())
                prefix.chop(1);
            break;
        }
        prefix += c;
    }
    // Top-level alternation would make the prefix meaningless.
    if (v.contains(QLatin1Char('|')))
        prefix.clear();
    p.literalPrefix = prefix;
    p.literal = literal;
    if (!literal) {
        // Compiled lazily: most glob patterns are never tried (their directory bucket is not hit).
        p.regex = QRegularExpression(QStringLiteral("^") + v);
        p.required = requiredLiteral(v, false);
        // A plain glob (only '*', '?', '.') always converts to a valid pattern; anything else is
        // compiled now so a broken one is reported with its line instead of Qt's warning later.
        static const QRegularExpression risky(QStringLiteral("[\\[\\](){}|\\\\+^$]"));
        if (rawValue.contains(risky) && !p.regex.isValid())
            p.invalid = p.regex.errorString();
    }
    return p;
}

QString bucketOf(const QString &literalPrefix)
{
    const int slash = int(literalPrefix.lastIndexOf(QLatin1Char('/')));
    return slash < 0 ? QString() : literalPrefix.left(slash + 1);
}

struct NameRegex
{
    QRegularExpression regex;
    QString required;
};

struct CompiledSection
{
    QList<FilePattern> excludes;
    QList<NameRegex> nameRegexes;
};

struct PatternRef
{
    int section;
    int pattern; // index into the section's include patterns
};

} // namespace

struct SubsystemMap::Data
{
    QList<MaintainersSection> sections;
    QList<MaintainersWarning> warnings;
    QHash<QString, int> indexByName;
    bool directoryBased = false;
    int depth = 0;
    bool rooted = false;           // directory-root scheme (dirs:ROOT,...:DEPTH)
    QSet<QString> roots;           // the directories its roots matched
    QStringList unmatchedRoots;

    QList<CompiledSection> compiled;
    QList<QList<FilePattern>> includes;              // per section, F: patterns
    QHash<QString, QList<PatternRef>> buckets;        // directory prefix -> F: patterns under it
    QList<int> sectionsWithNameRegex;

    void addSection(MaintainersSection section)
    {
        indexByName.insert(section.name, int(sections.size()));
        sections.append(std::move(section));
    }

    // Compiles a section's F:/X:/N: fields (raw values, as written) and appends it.
    void appendSection(const MaintainersSection &section, QList<QString> rawIncludes,
                       QList<QString> rawExcludes, const QSet<QString> &directories);

    QString directoryKey(const QString &path) const
    {
        const QStringList parts = path.split(QLatin1Char('/'));
        if (rooted)
            return rootedKey(parts);
        if (parts.size() <= 1)
            return QStringLiteral("(top)");
        const int keep = std::min<int>(depth, int(parts.size()) - 1);
        return QStringList(parts.mid(0, keep)).join(QLatin1Char('/'));
    }

    // The deepest ancestor that is a root wins ("sys/dev/*" before "sys/*" for sys/dev/pci/x.c).
    QString rootedKey(const QStringList &parts) const
    {
        const int directories = int(parts.size()) - 1;
        for (int n = directories; n >= 1; --n) {
            if (!roots.contains(QStringList(parts.mid(0, n)).join(QLatin1Char('/'))))
                continue;
            const int keep = std::min(n + depth - 1, directories);
            return QStringList(parts.mid(0, keep)).join(QLatin1Char('/'));
        }
        return QStringLiteral("(other)");
    }
};

void SubsystemMap::Data::appendSection(const MaintainersSection &section, QList<QString> rawIncludes,
                                      QList<QString> rawExcludes, const QSet<QString> &directories)
{
    CompiledSection c;
    QList<FilePattern> inc;
    for (const auto &f : section.fields) {
        if (f.type == QLatin1Char('F') || f.type == QLatin1Char('X')) {
            FilePattern pattern = makeFilePattern(
                (f.type == QLatin1Char('F') ? rawIncludes : rawExcludes).takeFirst(), directories);
            if (!pattern.invalid.isEmpty())
                warnings.append({f.line, QStringLiteral("%1: pattern '%2' is not a valid pattern (%3); it matches nothing")
                                             .arg(f.type).arg(f.value, pattern.invalid)});
            (f.type == QLatin1Char('F') ? inc : c.excludes).append(pattern);
        }
        else if (f.type == QLatin1Char('N')) {
            QRegularExpression re(f.value, QRegularExpression::ExtendedPatternSyntaxOption);
            if (!re.isValid()) {
                warnings.append({f.line, QStringLiteral("N: pattern is not a valid regular expression: %1")
                                             .arg(re.errorString())});
                continue;
            }
            c.nameRegexes.append({re, requiredLiteral(f.value, true)});
        }
    }
    const int index = int(sections.size());
    for (int p = 0; p < inc.size(); ++p)
        buckets[bucketOf(inc.at(p).literalPrefix)].append({index, p});
    if (!c.nameRegexes.isEmpty())
        sectionsWithNameRegex.append(index);
    includes.append(inc);
    compiled.append(c);
    if (indexByName.contains(section.name))
        warnings.append({section.line, QStringLiteral("duplicate section heading '%1' (first at line %2)")
                                           .arg(section.name)
                                           .arg(sections.at(indexByName.value(section.name)).line)});
    if (!indexByName.contains(section.name))
        indexByName.insert(section.name, index);
    sections.append(section);
}

QStringList MaintainersSection::values(QChar type) const
{
    QStringList out;
    for (const auto &f : fields)
        if (f.type == type)
            out.append(f.value);
    return out;
}

QString MaintainersSection::status() const
{
    for (const auto &f : fields)
        if (f.type == QLatin1Char('S'))
            return f.value;
    return {};
}

QList<MaintainersPerson> MaintainersSection::people() const
{
    static const QRegularExpression angle(QStringLiteral("^(.*?)\\s*<([^>]*)>"));
    QList<MaintainersPerson> out;
    for (const auto &f : fields) {
        if (f.type != QLatin1Char('M') && f.type != QLatin1Char('R'))
            continue;
        MaintainersPerson p;
        p.role = f.type;
        const auto m = angle.match(f.value);
        if (m.hasMatch()) {
            p.name = m.captured(1).trimmed();
            if (p.name.size() >= 2 && p.name.startsWith(QLatin1Char('"')) && p.name.endsWith(QLatin1Char('"')))
                p.name = p.name.mid(1, p.name.size() - 2);
            p.email = m.captured(2).trimmed().toLower();
        } else if (f.value.contains(QLatin1Char('@'))) {
            p.email = f.value.section(QLatin1Char(' '), 0, 0).toLower();
        } else {
            p.name = f.value;
        }
        out.append(p);
    }
    return out;
}

SubsystemMap::SubsystemMap() : d(std::make_unique<Data>()) {}
SubsystemMap::SubsystemMap(const SubsystemMap &o) : d(std::make_unique<Data>(*o.d)) {}
SubsystemMap &SubsystemMap::operator=(const SubsystemMap &o)
{
    if (this != &o)
        d = std::make_unique<Data>(*o.d);
    return *this;
}
SubsystemMap::SubsystemMap(SubsystemMap &&) noexcept = default;
SubsystemMap &SubsystemMap::operator=(SubsystemMap &&) noexcept = default;
SubsystemMap::~SubsystemMap() = default;

SubsystemMap SubsystemMap::fromMaintainers(const QByteArray &text, const QSet<QString> &directories)
{
    SubsystemMap map;
    Data &d = *map.d;
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));

    // Like get_maintainer.pl: sections start at the heading of the first field line; the
    // preamble before it is prose.
    int first = -1;
    for (int i = 0; i < lines.size(); ++i) {
        if (isFieldLine(lines.at(i))) {
            first = i;
            break;
        }
    }
    if (first < 0) {
        d.warnings.append({1, QStringLiteral("no field lines (\"X: value\"): not a MAINTAINERS file")});
        return map;
    }
    int start = first;
    while (start > 0) {
        --start;
        const QString &l = lines.at(start);
        if (!isBlankOrComment(l) && !isFieldLine(l))
            break;
    }

    MaintainersSection current;
    bool inSection = false;
    bool previousWasField = false;
    bool blankSinceField = true;
    QString pendingHeading;
    int pendingLine = 0;
    QList<QString> rawIncludes, rawExcludes;
    auto flush = [&]() {
        if (!inSection)
            return;
        d.appendSection(current, rawIncludes, rawExcludes, directories);
        rawIncludes.clear();
        rawExcludes.clear();
        current = MaintainersSection();
        inSection = false;
    };

    for (int i = start; i < lines.size(); ++i) {
        QString line = lines.at(i);
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const int lineNo = i + 1;
        if (isBlankOrComment(line)) {
            if (line.trimmed().isEmpty())
                blankSinceField = true;
            continue;
        }
        if (isFieldLine(line)) {
            if (!inSection) {
                if (pendingHeading.isEmpty()) {
                    d.warnings.append({lineNo, QStringLiteral("field outside any section")});
                    continue;
                }
                current.name = pendingHeading;
                current.line = pendingLine;
                pendingHeading.clear();
                inSection = true;
            }
            const QChar type = line.at(0);
            const QString raw = rawFieldValue(line);
            MaintainersField f{type, raw.trimmed(), lineNo};
            if (!kKnownTypes.contains(type))
                d.warnings.append({lineNo, QStringLiteral("unknown field type '%1:' in section '%2'")
                                               .arg(type)
                                               .arg(current.name)});
            if (f.value.isEmpty())
                d.warnings.append({lineNo, QStringLiteral("empty %1: field in section '%2'").arg(type).arg(current.name)});
            if ((type == QLatin1Char('M') || type == QLatin1Char('R')) && !f.value.contains(QLatin1Char('@')))
                d.warnings.append({lineNo, QStringLiteral("%1: field without an e-mail address in section '%2'")
                                               .arg(type)
                                               .arg(current.name)});
            if (type == QLatin1Char('F'))
                rawIncludes.append(raw);
            else if (type == QLatin1Char('X'))
                rawExcludes.append(raw);
            current.fields.append(f);
            previousWasField = true;
            blankSinceField = false;
            continue;
        }
        // A heading. get_maintainer.pl treats any non-field line as the start of a section, so a
        // typo inside a section ("F foo") silently starts a new one: do the same, but say so.
        if (previousWasField && !blankSinceField)
            d.warnings.append({lineNo, QStringLiteral("line is not a field (\"X:\tvalue\") inside section '%1'; "
                                                      "taken as a new section heading, as get_maintainer.pl does")
                                           .arg(current.name)});
        flush();
        if (!pendingHeading.isEmpty())
            d.warnings.append({pendingLine, QStringLiteral("section heading '%1' has no fields").arg(pendingHeading)});
        pendingHeading = line.trimmed();
        pendingLine = lineNo;
        previousWasField = false;
    }
    flush();
    if (!pendingHeading.isEmpty())
        d.warnings.append({pendingLine, QStringLiteral("section heading '%1' has no fields").arg(pendingHeading)});
    return map;
}

SubsystemMap SubsystemMap::fromSections(const QList<MaintainersSection> &sections,
                                       const QList<MaintainersWarning> &warnings,
                                       const QSet<QString> &directories)
{
    SubsystemMap map;
    map.d->warnings = warnings;
    for (const MaintainersSection &s : sections) {
        QList<QString> inc, exc;
        for (const auto &f : s.fields) {
            if (f.type == QLatin1Char('F'))
                inc.append(f.value);
            else if (f.type == QLatin1Char('X'))
                exc.append(f.value);
        }
        map.d->appendSection(s, inc, exc, directories);
    }
    return map;
}

SubsystemMap SubsystemMap::fromDirectories(const QStringList &paths, int depth)
{
    return fromDirectoriesWith(SubsystemMap(), paths, depth);
}

SubsystemMap SubsystemMap::fromDirectoriesWith(SubsystemMap map, const QStringList &paths, int depth)
{
    Data &d = *map.d;
    d.directoryBased = true;
    d.depth = std::max(1, depth);
    QStringList keys;
    for (const QString &p : paths)
        keys.append(d.directoryKey(p));
    keys.removeDuplicates();
    std::sort(keys.begin(), keys.end());
    for (const QString &k : keys) {
        MaintainersSection s;
        s.name = k;
        d.addSection(s);
    }
    return map;
}

SubsystemMap SubsystemMap::fromDirectoryRoots(const QStringList &paths, const QStringList &roots, int depth)
{
    QSet<QString> directories;
    for (const QString &p : paths)
        for (qsizetype slash = p.indexOf(QLatin1Char('/')); slash > 0; slash = p.indexOf(QLatin1Char('/'), slash + 1))
            directories.insert(p.left(slash));
    SubsystemMap map;
    Data &d = *map.d;
    d.depth = std::max(1, depth);
    for (QString root : roots) {
        while (root.endsWith(QLatin1Char('/')))
            root.chop(1);
        // Qt's wildcard conversion keeps '*' and '?' inside one path component.
        const QRegularExpression glob(QRegularExpression::wildcardToRegularExpression(root));
        bool matched = false;
        for (const QString &dir : std::as_const(directories)) {
            if (glob.match(dir).hasMatch()) {
                d.roots.insert(dir);
                matched = true;
            }
        }
        if (!matched)
            d.unmatchedRoots.append(root);
    }
    d.rooted = true;   // even when no root matched: every path is then "(other)"
    return fromDirectoriesWith(std::move(map), paths, depth);
}

QStringList SubsystemMap::unmatchedRoots() const { return d->unmatchedRoots; }

bool SubsystemMap::isDirectoryBased() const { return d->directoryBased; }
int SubsystemMap::directoryDepth() const { return d->depth; }
const QList<MaintainersSection> &SubsystemMap::sections() const { return d->sections; }
const QList<MaintainersWarning> &SubsystemMap::warnings() const { return d->warnings; }
int SubsystemMap::sectionIndex(const QString &name) const { return d->indexByName.value(name, -1); }

QList<int> SubsystemMap::sectionIndexesFor(const QString &path) const
{
    QList<int> out;
    if (d->directoryBased) {
        const int i = d->indexByName.value(d->directoryKey(path), -1);
        if (i >= 0)
            out.append(i);
        return out;
    }
    QList<int> candidates;
    auto scanBucket = [&](const QString &key) {
        const auto it = d->buckets.constFind(key);
        if (it == d->buckets.constEnd())
            return;
        for (const PatternRef &ref : *it) {
            if (d->includes.at(ref.section).at(ref.pattern).matches(path))
                candidates.append(ref.section);
        }
    };
    scanBucket(QString());
    for (int i = 0; i < path.size(); ++i)
        if (path.at(i) == QLatin1Char('/'))
            scanBucket(path.left(i + 1));
    for (int s : std::as_const(d->sectionsWithNameRegex)) {
        for (const auto &re : d->compiled.at(s).nameRegexes) {
            if (!re.required.isEmpty() && !path.contains(re.required))
                continue;
            if (re.regex.match(path).hasMatch()) {
                candidates.append(s);
                break;
            }
        }
    }
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    for (int s : std::as_const(candidates)) {
        bool excluded = false;
        for (const auto &x : d->compiled.at(s).excludes) {
            if (x.matches(path)) {
                excluded = true;
                break;
            }
        }
        if (!excluded)
            out.append(s);
    }
    return out;
}

QStringList SubsystemMap::sectionsFor(const QString &path) const
{
    QStringList out;
    for (int i : sectionIndexesFor(path))
        out.append(d->sections.at(i).name);
    return out;
}

bool isSecondLanguageSection(const QString &name, const QString &languageTag)
{
    return name.endsWith(QLatin1Char('[') + languageTag + QLatin1Char(']'))
        && !isLanguageCoreSection(name, languageTag);
}

bool isLanguageCoreSection(const QString &name, const QString &languageTag)
{
    return name == languageTag || name.startsWith(languageTag + QStringLiteral(" ["));
}

QString rollUpParent(const QString &name, const SubsystemMap &map, const QHash<QString, int> &coOwners,
                     const QString &languageTag)
{
    if (!isSecondLanguageSection(name, languageTag))
        return {};
    const QString tag = QLatin1Char('[') + languageTag + QLatin1Char(']');
    QString base = name.left(name.size() - tag.size()).trimmed();
    if (map.sectionIndex(base) >= 0)
        return base;
    QStringList words = base.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    while (words.size() > 1) {
        words.removeLast();
        const QString prefix = words.join(QLatin1Char(' '));
        if (map.sectionIndex(prefix) >= 0 && !isSecondLanguageSection(prefix, languageTag))
            return prefix;
    }
    QString best;
    int bestCount = 0;
    for (auto it = coOwners.constBegin(); it != coOwners.constEnd(); ++it) {
        const QString &other = it.key();
        if (other == name || other == QStringLiteral("THE REST") || isSecondLanguageSection(other, languageTag)
            || isLanguageCoreSection(other, languageTag))
            continue;
        if (it.value() > bestCount || (it.value() == bestCount && !best.isEmpty() && other < best)) {
            best = other;
            bestCount = it.value();
        }
    }
    return best;
}

} // namespace kl
