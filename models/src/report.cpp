#include <kernellens/models/report.h>
#include <kernellens/models/visible_text.h>

#include <QJsonArray>

#include <cmath>

namespace kl::report {

int Table::columnIndex(const QString &key) const
{
    for (int i = 0; i < columns.size(); ++i)
        if (columns[i].key == key)
            return i;
    return -1;
}

QString columnKindName(Column::Kind kind)
{
    switch (kind) {
    case Column::Kind::Text: return QStringLiteral("text");
    case Column::Kind::Integer: return QStringLiteral("integer");
    case Column::Kind::Real: return QStringLiteral("real");
    case Column::Kind::Percent: return QStringLiteral("percent");
    case Column::Kind::Date: return QStringLiteral("date");
    case Column::Kind::DateTime: return QStringLiteral("datetime");
    }
    return QStringLiteral("text");
}

namespace {

QJsonValue cellToJson(const QVariant &value, Column::Kind kind)
{
    if (!value.isValid() || value.isNull())
        return QJsonValue::Null;
    switch (kind) {
    case Column::Kind::Integer:
        return QJsonValue(value.toLongLong());
    case Column::Kind::Real:
    case Column::Kind::Percent: {
        const double d = value.toDouble();
        return std::isfinite(d) ? QJsonValue(d) : QJsonValue::Null;
    }
    case Column::Kind::Date:
        if (value.typeId() == QMetaType::QDate)
            return value.toDate().toString(Qt::ISODate);
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().date().toString(Qt::ISODate);
        return value.toString();
    case Column::Kind::DateTime:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().toString(Qt::ISODate);
        return value.toString();
    case Column::Kind::Text:
        break;
    }
    if (value.typeId() == QMetaType::QStringList)
        return QJsonArray::fromStringList(value.toStringList());
    return value.toString();
}

QString cellToCsv(const QVariant &value, Column::Kind kind)
{
    const QJsonValue json = cellToJson(value, kind);
    QString text;
    if (json.isNull())
        return {};
    if (json.isArray()) {
        QStringList parts;
        for (const auto &v : json.toArray())
            parts << v.toString();
        text = parts.join(QStringLiteral("; "));
    } else if (json.isDouble()) {
        text = kind == Column::Kind::Integer ? QString::number(json.toInteger())
                                             : QString::number(json.toDouble(), 'g', 10);
    } else {
        text = json.toString();
    }
    // A CSV file is read in terminals and spreadsheets too: no raw control or bidi character.
    text = visibleText(text, LineBreaks::Keep);
    // Cells starting with a formula character are prefixed so spreadsheets do not run them.
    if (!text.isEmpty() && QStringLiteral("=+-@\t\r").contains(text.front()) && !json.isDouble())
        text.prepend(QLatin1Char('\''));
    if (text.contains(QLatin1Char(',')) || text.contains(QLatin1Char('"'))
        || text.contains(QLatin1Char('\n')) || text.contains(QLatin1Char('\r'))) {
        text.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        text = QLatin1Char('"') + text + QLatin1Char('"');
    }
    return text;
}

} // namespace

QJsonObject toJson(const Table &table)
{
    QJsonArray columns;
    for (const auto &c : table.columns)
        columns.append(QJsonObject{{QStringLiteral("key"), c.key},
                                   {QStringLiteral("title"), c.title},
                                   {QStringLiteral("kind"), columnKindName(c.kind)}});
    QJsonArray rows;
    for (const auto &row : table.rows) {
        QJsonObject object;
        for (int i = 0; i < table.columns.size() && i < row.size(); ++i)
            object.insert(table.columns[i].key, cellToJson(row[i], table.columns[i].kind));
        rows.append(object);
    }
    QJsonObject out{{QStringLiteral("id"), table.id},
                    {QStringLiteral("title"), table.title},
                    {QStringLiteral("columns"), columns},
                    {QStringLiteral("rows"), rows}};
    if (!table.note.isEmpty())
        out.insert(QStringLiteral("note"), table.note);
    return out;
}

QJsonObject toJson(const Chart &chart)
{
    static const char *const kinds[] = {"line", "stacked-area", "bar", "stacked-bar", "heat-map"};
    QJsonArray series;
    for (const auto &s : chart.series) {
        QJsonArray values;
        for (double v : s.values)
            values.append(std::isfinite(v) ? QJsonValue(v) : QJsonValue::Null);
        series.append(QJsonObject{{QStringLiteral("name"), s.name}, {QStringLiteral("values"), values}});
    }
    QJsonObject out{{QStringLiteral("id"), chart.id},
                    {QStringLiteral("title"), chart.title},
                    {QStringLiteral("kind"), QString::fromLatin1(kinds[int(chart.kind)])},
                    {QStringLiteral("categories"), QJsonArray::fromStringList(chart.categories)},
                    {QStringLiteral("series"), series},
                    {QStringLiteral("x_title"), chart.xTitle},
                    {QStringLiteral("y_title"), chart.yTitle},
                    {QStringLiteral("percent"), chart.percent}};
    if (!chart.marks.isEmpty()) {
        QJsonArray marks;
        for (const Mark &m : chart.marks)
            marks.append(QJsonObject{{QStringLiteral("category"), m.category},
                                     {QStringLiteral("value"), m.value},
                                     {QStringLiteral("label"), m.label}});
        out.insert(QStringLiteral("marks"), QJsonObject{{QStringLiteral("name"), chart.marksName},
                                                        {QStringLiteral("points"), marks}});
    }
    return out;
}

QJsonObject toJson(const Section &section)
{
    QJsonArray tables, charts;
    for (const auto &t : section.tables)
        tables.append(toJson(t));
    for (const auto &c : section.charts)
        charts.append(toJson(c));
    return QJsonObject{{QStringLiteral("id"), section.id},
                       {QStringLiteral("title"), section.title},
                       {QStringLiteral("method"), section.method},
                       {QStringLiteral("tables"), tables},
                       {QStringLiteral("charts"), charts}};
}

QJsonObject toJson(const Report &report)
{
    QJsonArray inputs, sections;
    for (const auto &i : report.inputs)
        inputs.append(QJsonObject{{QStringLiteral("kind"), i.kind},
                                  {QStringLiteral("location"), i.location},
                                  {QStringLiteral("label"), i.label},
                                  {QStringLiteral("watermark"), i.watermark}});
    for (const auto &s : report.sections)
        sections.append(toJson(s));
    return QJsonObject{{QStringLiteral("schema"), QStringLiteral("kernellens-report")},
                       {QStringLiteral("schema_version"), Report::schemaVersion},
                       {QStringLiteral("title"), report.title},
                       {QStringLiteral("generated"), report.generated.toUTC().toString(Qt::ISODate)},
                       {QStringLiteral("inputs"), inputs},
                       {QStringLiteral("sections"), sections}};
}

QString toCsv(const Table &table)
{
    QString out;
    QStringList header;
    for (const auto &c : table.columns)
        header << cellToCsv(c.key, Column::Kind::Text);
    out += header.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    for (const auto &row : table.rows) {
        QStringList cells;
        for (int i = 0; i < table.columns.size(); ++i)
            cells << cellToCsv(i < row.size() ? row[i] : QVariant(), table.columns[i].kind);
        out += cells.join(QLatin1Char(',')) + QStringLiteral("\r\n");
    }
    return out;
}

} // namespace kl::report
