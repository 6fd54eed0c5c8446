#pragma once
// A report is data: sections of tables and chart specifications. The GUI draws it, the CLI
// prints it, and the exporters (HTML, PDF, Markdown, JSON, CSV) write it unchanged, so every
// surface shows the same numbers.

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace kl::report {

struct Column
{
    enum class Kind { Text, Integer, Real, Percent, Date, DateTime };
    QString key;     // stable machine name, used by JSON and CSV
    QString title;   // human heading
    Kind kind = Kind::Text;
};

struct Table
{
    QString id;      // stable, e.g. "adoption.by-release"
    QString title;
    QList<Column> columns;
    QList<QVariantList> rows;   // one QVariant per column; null for "no value"
    QString note;

    int columnIndex(const QString &key) const;
};

struct Series
{
    QString name;
    QList<double> values;       // one per category; NaN for a gap
};

// A point called out on a chart (e.g. one of the top friction threads), drawn as a marker at
// (category, value) with `label` as its hover text. Labels are plain text.
struct Mark
{
    int category = -1;
    double value = 0;
    QString label;
};

struct Chart
{
    enum class Kind { Line, StackedArea, Bar, StackedBar, HeatMap };
    QString id;
    QString title;
    Kind kind = Kind::Line;
    QStringList categories;     // x axis: releases, months, quarters
    QList<Series> series;
    QString xTitle;
    QString yTitle;
    bool percent = false;
    QList<Mark> marks;          // drawn over the series, in the series' units
    QString marksName;          // their legend entry, e.g. "Top threads"
};

struct Section
{
    QString id;        // "adoption", "coverage", "friction", "onboarding"
    QString title;
    QString method;    // short plain-text note on how the figures are computed
    QList<Table> tables;
    QList<Chart> charts;
};

struct Input
{
    QString kind;      // source kind
    QString location;
    QString label;
    QString watermark; // human summary of how far it was ingested
};

struct Report
{
    static constexpr int schemaVersion = 1;
    QString title;
    QDateTime generated;
    QList<Input> inputs;
    QList<Section> sections;
};

QString columnKindName(Column::Kind kind);
QJsonObject toJson(const Table &table);
QJsonObject toJson(const Chart &chart);
QJsonObject toJson(const Section &section);
QJsonObject toJson(const Report &report);
// RFC 4180 CSV with a header row of column keys.
QString toCsv(const Table &table);

} // namespace kl::report
