#include "analysis_view.h"

#include "background.h"
#include "chart_panel.h"
#include "message_reader.h"
#include "store_overview.h"
#include "table_panel.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QRegularExpression>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace kl::gui {

static QString titleOf(Analysis analysis)
{
    switch (analysis) {
    case Analysis::Adoption: return QObject::tr("Adoption");
    case Analysis::Coverage: return QObject::tr("Binding coverage");
    case Analysis::Friction: return QObject::tr("Friction");
    case Analysis::Onboarding: return QObject::tr("Onboarding");
    }
    return {};
}

AnalysisView::AnalysisView(Analysis analysis, QWidget *parent)
    : View(analysisName(analysis), titleOf(analysis), parent), m_analysis(analysis)
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 8, 12, 8);

    auto *header = new QHBoxLayout;
    m_heading = new QLabel(title(), content);
    QFont font = m_heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    m_heading->setFont(font);
    header->addWidget(m_heading);
    m_method = new QLabel(content);
    m_method->setTextFormat(Qt::PlainText);
    m_method->setForegroundRole(QPalette::PlaceholderText);
    m_method->setWordWrap(false);
    m_method->setMinimumWidth(80);
    m_method->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    header->addWidget(m_method, 1);
    if (analysis == Analysis::Coverage) {
        m_release = new QComboBox(content);
        m_compare = new QComboBox(content);
        m_release->setToolTip(tr("Release to show"));
        m_compare->setToolTip(tr("Release to compare with: the tables list what changed"));
        auto *releaseLabel = new QLabel(tr("&Release"), content);
        releaseLabel->setBuddy(m_release);
        auto *compareLabel = new QLabel(tr("&Compare to"), content);
        compareLabel->setBuddy(m_compare);
        header->addWidget(releaseLabel);
        header->addWidget(m_release);
        header->addWidget(compareLabel);
        header->addWidget(m_compare);
        auto onPick = [this] {
            ViewContext ctx = context();
            ctx.filter.release = m_release->currentData().toString();
            ctx.filter.compareRelease = m_compare->currentData().toString();
            if (!sameFilter(ctx.filter, context().filter))
                setContext(ctx);
        };
        connect(m_release, &QComboBox::activated, this, onPick);
        connect(m_compare, &QComboBox::activated, this, onPick);
    }
    layout->addLayout(header);

    auto *splitter = new QSplitter(Qt::Vertical, content);
    m_chart = new ChartPanel(splitter);
    m_tabs = new QTabWidget(splitter);
    m_tabs->setDocumentMode(true);
    splitter->addWidget(m_chart);
    if (analysis == Analysis::Friction) {
        // Ranked list and reader side by side; the chart stays small on top.
        auto *lower = new QSplitter(Qt::Horizontal, splitter);
        m_tabs->setParent(lower);
        lower->addWidget(m_tabs);
        m_reader = new MessageReader(lower);
        lower->addWidget(m_reader);
        lower->setStretchFactor(0, 3);
        lower->setStretchFactor(1, 4);
        splitter->addWidget(lower);
        // Room for a month axis, the top-thread marks and the range bar.
        splitter->setStretchFactor(0, 2);
        splitter->setStretchFactor(1, 3);
        splitter->setSizes({400, 600});
    } else if (analysis == Analysis::Coverage && coverageDrillDownAvailable()) {
        auto *lower = new QSplitter(Qt::Horizontal, splitter);
        m_tabs->setParent(lower);
        lower->addWidget(m_tabs);
        m_drill = new TablePanel(lower);
        lower->addWidget(m_drill);
        lower->setStretchFactor(0, 3);
        lower->setStretchFactor(1, 2);
        splitter->addWidget(lower);
        // The heat map gets the larger half: its rows scroll, but a few more read at a glance.
        splitter->setStretchFactor(0, 3);
        splitter->setStretchFactor(1, 2);
        splitter->setSizes({600, 400});
    } else {
        splitter->addWidget(m_tabs);
        splitter->setStretchFactor(0, 3);
        splitter->setStretchFactor(1, 2);
    }
    layout->addWidget(splitter, 1);
    setContent(content);
}

ChartPanel *AnalysisView::currentChartPanel() const
{
    return m_chart->hasChart() ? m_chart : nullptr;
}

TablePanel *AnalysisView::currentTablePanel() const
{
    return qobject_cast<TablePanel *>(m_tabs->currentWidget());
}

void AnalysisView::refreshTheme()
{
    m_chart->refreshTheme();
}

QString AnalysisView::emptyTitle() const
{
    switch (m_analysis) {
    case Analysis::Adoption: return tr("Ingest a git repository to see adoption");
    case Analysis::Coverage: return tr("Ingest a git repository with release tags to see binding coverage");
    case Analysis::Friction: return tr("Ingest a mailing list to see friction");
    case Analysis::Onboarding: return tr("Ingest git history or a mailing list to see onboarding");
    }
    return {};
}

QString AnalysisView::emptyDetail() const
{
    switch (m_analysis) {
    case Analysis::Adoption:
        return tr("Files, lines, commits and authors per language, release by release and month by month.");
    case Analysis::Coverage:
        return tr("For each MAINTAINERS subsystem: bound headers, helpers, abstractions and drivers, and how they change between releases.");
    case Analysis::Friction:
        return tr("Review threads ranked by explainable signals, with the sentences that fired.");
    case Analysis::Onboarding:
        return tr("Newcomer cohorts per quarter, via the second language or C, and whether they stay.");
    }
    return {};
}

static bool sectionIsEmpty(const report::Section &section)
{
    for (const report::Table &t : section.tables)
        if (!t.rows.isEmpty())
            return false;
    for (const report::Chart &c : section.charts)
        for (const report::Series &s : c.series)
            for (double v : s.values)
                if (std::isfinite(v))
                    return false;
    return true;
}

struct AnalysisResult
{
    bool storeExists = false;
    QStringList releases;
    Result<report::Section> section = Status::error(QStringLiteral("not computed"));
};

void AnalysisView::load()
{
    if (!analysisAvailable(m_analysis)) {
        showEmpty(emptyTitle(),
                  tr("This build does not include the %1 analysis yet. %2").arg(analysisName(m_analysis), emptyDetail()),
                  tr("Go to Sources"));
        finishLoading();
        return;
    }
    showLoading();
    const quint64 generation = nextGeneration();
    const ViewContext ctx = context();
    const Analysis analysis = m_analysis;
    runInBackground(this, [ctx, analysis]() {
        AnalysisResult result;
        if (ctx.storeDir.isEmpty()
            || !QFileInfo::exists(QDir(ctx.storeDir).filePath(QStringLiteral("kernellens.sqlite"))))
            return result;
        result.storeExists = true;
        auto store = Store::open(ctx.storeDir, Store::Mode::ReadOnly);
        if (!store) {
            result.section = store.status();
            return result;
        }
        if (analysis == Analysis::Coverage) {
            if (auto overview = loadStoreOverview(ctx.storeDir))
                result.releases = overview->releases;
        }
        result.section = computeAnalysis(analysis, *store, ctx.filter);
        return result;
    }, [this, generation](AnalysisResult result) {
        if (generation != this->generation())
            return;
        if (!result.storeExists) {
            showEmpty(emptyTitle(), emptyDetail(), tr("Go to Sources"));
        } else if (!result.section) {
            showEmpty(tr("%1 could not be computed").arg(title()), result.section.errorMessage(), tr("Go to Sources"));
        } else if (sectionIsEmpty(*result.section)) {
            showEmpty(emptyTitle(), tr("The store has no data for this analysis under the current filters."),
                      tr("Go to Sources"));
        } else {
            if (m_release) {
                const QString release = context().filter.release;
                const QString compare = context().filter.compareRelease;
                m_release->clear();
                m_compare->clear();
                m_release->addItem(tr("latest"), QString());
                m_compare->addItem(tr("none"), QString());
                for (const QString &tag : result.releases) {
                    m_release->addItem(tag, tag);
                    m_compare->addItem(tag, tag);
                }
                m_release->setCurrentIndex(std::max(0, m_release->findData(release)));
                m_compare->setCurrentIndex(std::max(0, m_compare->findData(compare)));
            }
            present(*result.section);
            showContent();
            // Open the top entry so the reader or drill-down is never an empty pane.
            if ((m_reader || m_drill) && !m_tables.isEmpty())
                m_tables.first()->selectFirstRow();
        }
        finishLoading();
    });
}

void AnalysisView::present(const report::Section &section)
{
    m_section = section;
    if (!section.title.isEmpty())
        m_heading->setText(section.title);
    // One elided line; the whole method note is the tooltip.
    const QString firstSentence = section.method.section(QStringLiteral(". "), 0, 0);
    m_method->setText(firstSentence);
    m_method->setToolTip(QStringLiteral("<p>%1</p>").arg(section.method.toHtmlEscaped()));
    m_chart->setCharts(section.charts);
    m_chart->setVisible(!section.charts.isEmpty());

    const int currentTab = m_tabs->currentIndex();
    while (m_tabs->count() > 0) {
        QWidget *w = m_tabs->widget(0);
        m_tabs->removeTab(0);
        w->deleteLater();
    }
    m_tables.clear();
    for (int i = 0; i < section.tables.size(); ++i) {
        const report::Table &table = section.tables[i];
        auto *panel = new TablePanel(m_tabs);
        panel->setTable(table);
        for (const report::Column &c : table.columns)
            if (c.key == QStringLiteral("thread_id") || c.key == QStringLiteral("message_id")
                || c.key.endsWith(QStringLiteral("_row_id")))
                panel->hideColumnKey(c.key);
        m_tabs->addTab(panel, table.title.isEmpty() ? table.id : table.title);
        m_tables.append(panel);
        connect(panel, &TablePanel::rowSelected, this, [this, i](const QVariantList &row) { onRowSelected(i, row); });
    }
    if (currentTab >= 0 && currentTab < m_tabs->count())
        m_tabs->setCurrentIndex(currentTab);
    if (m_drill) {
        report::Table hint;
        const bool crate = !section.tables.isEmpty() && section.tables.first().id == QLatin1String("coverage.crate.subsystems");
        hint.note = crate ? tr("Select a subsystem to see its bound headers, the functions the crate references and "
                               "those it does not use yet.")
                          : tr("Select a subsystem to see its bound headers, helpers, modules and drivers.");
        m_drill->setTable(hint);
        if (!m_tables.isEmpty())
            m_tables.first()->sortByColumnKey(QStringLiteral("level"), Qt::DescendingOrder);
    }
    if (m_reader) {
        m_reader->setStoreDirectory(context().storeDir);
        m_reader->clear(tr("Select a thread to read it; the sentences that raised its score are highlighted."));
    }
}

static QString cellByKeys(const report::Table &table, const QVariantList &row, const QStringList &keys)
{
    for (const QString &key : keys) {
        const int c = table.columnIndex(key);
        if (c >= 0 && c < row.size())
            return row[c].toString();
    }
    return {};
}

void AnalysisView::onRowSelected(int tableIndex, const QVariantList &row)
{
    const report::Table &table = m_tables[tableIndex]->table();
    if (m_reader) {
        const QString threadId = cellByKeys(table, row, {QStringLiteral("thread_id")});
        const QString messageId = cellByKeys(table, row, {QStringLiteral("message_id")});
        const QString rootMsgid = cellByKeys(table, row, {QStringLiteral("msgid"), QStringLiteral("root_msgid")});
        QStringList evidence;
        for (const QString &key : {QStringLiteral("evidence"), QStringLiteral("sentences")}) {
            const int c = table.columnIndex(key);
            if (c >= 0 && c < row.size()) {
                const QVariant v = row[c];
                const QStringList items = v.typeId() == QMetaType::QStringList
                                              ? v.toStringList()
                                              : v.toString().split(QStringLiteral(" | "), Qt::SkipEmptyParts);
                // Items read `[category] author: "sentence"`; the sentence is what to highlight.
                static const QRegularExpression quoted(QStringLiteral("^\\[[^\\]]*\\][^:]*: \"(.*)\"$"));
                for (const QString &item : items) {
                    const auto m = quoted.match(item);
                    evidence.append(m.hasMatch() ? m.captured(1) : item);
                }
            }
        }
        m_reader->setEvidence(evidence);
        if (!threadId.isEmpty() && threadId.toLongLong() > 0)
            m_reader->showThread(threadId.toLongLong());
        else if (!messageId.isEmpty() && messageId.toLongLong() > 0)
            m_reader->showThreadOfMessage(messageId.toLongLong());
        else if (!rootMsgid.isEmpty())
            m_reader->showThreadOfMessageId(rootMsgid);
        return;
    }
    if (m_drill && table.id == QLatin1String("coverage.crate.subsystems")) {
        showDrillDown(cellByKeys(table, row, {QStringLiteral("subsystem")}), true);
        return;
    }
    if (m_drill && table.id == QStringLiteral("coverage.subsystems"))
        showDrillDown(cellByKeys(table, row, {QStringLiteral("subsystem"), QStringLiteral("name")}), false);
}

// What one subsystem exposes: at the chosen release of the tree, or (crate) to the binding crates.
void AnalysisView::showDrillDown(const QString &subsystem, bool crate)
{
    if (subsystem.isEmpty())
        return;
    const quint64 generation = ++m_drillGeneration;
    m_drillPending = true;
    const QString dir = context().storeDir;
    const QString release = context().filter.release;
    runInBackground(this, [dir, release, subsystem, crate]() -> Result<report::Table> {
        auto store = Store::open(dir, Store::Mode::ReadOnly);
        if (!store)
            return store.status();
        return crate ? crateDrillDown(*store, subsystem) : coverageDrillDown(*store, release, subsystem);
    }, [this, generation, subsystem](Result<report::Table> items) {
        if (generation != m_drillGeneration)
            return;
        if (items) {
            m_drill->setTable(*items);
        } else {
            report::Table empty;
            empty.note = items.errorMessage();
            m_drill->setTable(empty);
        }
        m_drillPending = false;
        Q_EMIT statusMessage(tr("Drill-down: %1").arg(subsystem));
        Q_EMIT drillDownLoaded();
    });
}

} // namespace kl::gui
