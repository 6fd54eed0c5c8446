// FreeBSD's MAINTAINERS: a table of "subsystem<TAB>login[,login...]<TAB>notes" rows under a
// "subsystem login notes" header line and a line of dashes, with notes continued on indented
// lines. Each row becomes a section named by its first column; the paths it covers are decided
// here (docs/coverage.md, "FreeBSD MAINTAINERS"):
//   - a column with a '/' is a path: a directory (recursive) unless its last component has a
//     '.' (a file such as sys/netinet/ip_carp.c) or a glob ("share/mk/*.test.mk", same depth;
//     "secure/*" is the whole directory);
//   - a man page "name(N)" or a plain word names an area: it covers the tree's directories
//     among a fixed list of candidates (sys/dev/NAME for drivers, sys/fs/NAME for file systems,
//     usr.sbin/NAME for commands, ...); none present, and the row keeps no paths;
//   - several words ("pci bus", "MAC Framework") name an area only.
#include <kernellens/ingest/subsystems.h>

#include <QRegularExpression>

namespace kl {

namespace {

bool isBlank(const QString &line)
{
    return line.trimmed().isEmpty();
}

// Index of the line after the "subsystem login ..." header and its dashes, or -1.
int tableStart(const QStringList &lines)
{
    static const QRegularExpression header(QStringLiteral("^subsystem\\s+login\\b"),
                                           QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression dashes(QStringLiteral("^-{3,}\\s*$"));
    for (int i = 0; i + 1 < lines.size(); ++i) {
        if (!header.match(lines.at(i)).hasMatch())
            continue;
        int j = i + 1;
        while (j < lines.size() && isBlank(lines.at(j)))
            ++j;
        if (j < lines.size() && dashes.match(lines.at(j)).hasMatch())
            return j + 1;
    }
    return -1;
}

// Splits a row into its first column and the rest: at the first tab, else at a run of two or
// more spaces ("ntp         \troberto", "kerberos5\tnectar  Pre-commit ...").
bool splitFirstColumn(const QString &line, QString *name, QString *rest)
{
    static const QRegularExpression sep(QStringLiteral("\\t|  +"));
    const auto m = sep.match(line);
    if (!m.hasMatch())
        return false;
    *name = line.left(m.capturedStart()).trimmed();
    *rest = line.mid(m.capturedStart()).trimmed();
    return true;
}

// Reads "a, b,c rest of the notes" into logins and notes; returns true when the list ends with
// a comma (the next line continues it: "CAM\t\tgibbs,\n\t\tken\tPre-commit ...").
bool readLogins(const QString &text, QStringList *logins, QString *notes)
{
    int i = 0;
    const int n = int(text.size());
    while (i < n) {
        while (i < n && text.at(i).isSpace())
            ++i;
        const int start = i;
        while (i < n && !text.at(i).isSpace() && text.at(i) != QLatin1Char(','))
            ++i;
        if (i > start)
            logins->append(text.mid(start, i - start));
        int j = i;
        while (j < n && text.at(j) == QLatin1Char(' '))
            ++j;
        if (j < n && text.at(j) == QLatin1Char(',')) {
            i = j + 1;
            if (text.mid(i).trimmed().isEmpty())
                return true;
            continue;
        }
        *notes = text.mid(i).simplified();
        return false;
    }
    return false;
}

// A login becomes an M: (a person or team) or L: (a freebsd-* mailing list) field with an
// address at FreeBSD.org, as the project's addresses are.
MaintainersField personField(const QString &login, int line)
{
    QString address = login;
    if (!address.contains(QLatin1Char('@')))
        address += QStringLiteral("@FreeBSD.org");
    else if (address.endsWith(QLatin1Char('@')))
        address += QStringLiteral("FreeBSD.org");
    const QString local = address.section(QLatin1Char('@'), 0, 0);
    if (local.startsWith(QStringLiteral("freebsd-")))
        return {QLatin1Char('L'), address, line};
    return {QLatin1Char('M'), QStringLiteral("%1 <%2>").arg(local, address), line};
}

// Regex metacharacters other than the glob's '*', '?' and '.' are escaped, so "contrib/libc++"
// stays a literal directory once makeFilePattern() turns the glob into a pattern.
QString escapeForGlob(const QString &path)
{
    static const QString meta = QStringLiteral("+()[]{}|^$\\");
    QString out;
    for (QChar c : path) {
        if (meta.contains(c))
            out += QLatin1Char('\\');
        out += c;
    }
    return out;
}

QString pathPattern(QString path)
{
    if (path.startsWith(QLatin1String("/")))
        path.remove(0, 1);
    if (path.endsWith(QLatin1String("/*")))
        path.chop(1);
    const QString last = path.section(QLatin1Char('/'), -1);
    const bool glob = path.contains(QLatin1Char('*')) || path.contains(QLatin1Char('?'));
    if (!glob && !path.endsWith(QLatin1Char('/')) && !last.contains(QLatin1Char('.')))
        path += QLatin1Char('/');
    return escapeForGlob(path);
}

// Directories an area name may stand for, most specific first.
QStringList areaCandidates(const QString &column)
{
    static const QRegularExpression manPage(QStringLiteral("^\\*?([A-Za-z0-9_.+-]+)\\(([1-9])\\)$"));
    static const QRegularExpression word(QStringLiteral("^[A-Za-z0-9_.+-]+$"));
    const auto m = manPage.match(column);
    if (m.hasMatch()) {
        const QString name = m.captured(1);
        switch (m.captured(2).at(0).toLatin1()) {
        case '1':
            return {QStringLiteral("bin/") + name, QStringLiteral("usr.bin/") + name};
        case '3':
            return {QStringLiteral("lib/lib") + name, QStringLiteral("lib/") + name};
        case '4':
            return {QStringLiteral("sys/dev/") + name, QStringLiteral("sys/modules/") + name};
        case '5':
            return {QStringLiteral("sys/fs/") + name, QStringLiteral("sys/modules/") + name};
        case '8':
            return {QStringLiteral("sbin/") + name, QStringLiteral("usr.sbin/") + name};
        default:
            return {};
        }
    }
    if (!word.match(column).hasMatch())
        return {};
    QStringList out;
    for (const char *root : {"sys/", "sys/dev/", "sys/fs/", "sys/compat/", "sys/geom/", "sys/netinet/",
                             "lib/", "bin/", "sbin/", "usr.bin/", "usr.sbin/", "contrib/", "sys/contrib/"})
        out.append(QLatin1String(root) + column);
    return out;
}

struct Row
{
    MaintainersSection section;
    QStringList logins;
    QString notes;
    bool loginsContinue = false;
};

MaintainersSection finish(Row row, const QSet<QString> &directories)
{
    MaintainersSection &s = row.section;
    for (const QString &login : std::as_const(row.logins))
        s.fields.append(personField(login, s.line));
    if (s.name.contains(QLatin1Char('/'))) {
        s.fields.append({QLatin1Char('F'), pathPattern(s.name), s.line});
    } else {
        for (const QString &dir : areaCandidates(s.name))
            if (directories.contains(dir))
                s.fields.append({QLatin1Char('F'), escapeForGlob(dir) + QLatin1Char('/'), s.line});
    }
    // 'D' (description) keeps the notes column; it is not a Linux field type.
    if (!row.notes.isEmpty())
        s.fields.append({QLatin1Char('D'), row.notes, s.line});
    return s;
}

} // namespace

bool SubsystemMap::looksLikeFreeBsdMaintainers(const QByteArray &text)
{
    return tableStart(QString::fromUtf8(text).split(QLatin1Char('\n'))) >= 0;
}

std::optional<SubsystemMap> SubsystemMap::fromFreeBsdMaintainers(const QByteArray &text,
                                                                 const QSet<QString> &directories)
{
    QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    for (QString &l : lines)
        if (l.endsWith(QLatin1Char('\r')))
            l.chop(1);
    const int start = tableStart(lines);
    if (start < 0)
        return std::nullopt;

    QList<MaintainersSection> sections;
    QList<MaintainersWarning> warnings;
    std::optional<Row> row;
    auto flush = [&]() {
        if (row) {
            if (row->logins.isEmpty())
                warnings.append({row->section.line, QStringLiteral("row '%1' names no login").arg(row->section.name)});
            sections.append(finish(std::move(*row), directories));
        }
        row.reset();
    };
    // The table ends at the first blank line: older files follow it with prose and
    // "path:MAINTAINER=" lists from Makefiles, which are not rows.
    for (int i = start; i < lines.size() && !isBlank(lines.at(i)); ++i) {
        const QString &line = lines.at(i);
        const int lineNo = i + 1;
        if (line.at(0).isSpace()) {
            if (!row) {
                warnings.append({lineNo, QStringLiteral("continuation line before any row")});
                continue;
            }
            if (row->loginsContinue) {
                QString more;
                row->loginsContinue = readLogins(line.trimmed(), &row->logins, &more);
                row->notes = more;
            } else {
                row->notes = QString(row->notes + QLatin1Char(' ') + line.simplified()).trimmed();
            }
            continue;
        }
        flush();
        row.emplace();
        row->section.line = lineNo;
        QString rest;
        if (!splitFirstColumn(line, &row->section.name, &rest)) {
            row->section.name = line.trimmed();
            continue;
        }
        row->loginsContinue = readLogins(rest, &row->logins, &row->notes);
    }
    flush();
    if (sections.isEmpty())
        return std::nullopt;
    return fromSections(sections, warnings, directories);
}

} // namespace kl
