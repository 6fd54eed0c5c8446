#include "review_view.h"

#include "background.h"
#include "chart_panel.h"
#include "message_reader.h"
#include "review_timeline.h"
#include "store_overview.h"
#include "table_panel.h"

#include <kernellens/models/table_model.h>

#include <QComboBox>
#include <QCompleter>
#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPainter>
#include <QSet>
#include <QSplitter>
#include <QStackedWidget>
#include <QStringListModel>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace kl::gui {

static const QStringList kOutcomes = {QStringLiteral("merged"), QStringLiteral("superseded"), QStringLiteral("rejected"),
                                      QStringLiteral("pending"), QStringLiteral("ignored")};

report::Table filterSeriesTable(const report::Table &table, const QString &outcome, const QString &author)
{
    report::Table out = table;
    if (outcome.isEmpty() && author.trimmed().isEmpty())
        return out;
    const int outcomeCol = table.columnIndex(QStringLiteral("outcome"));
    const int authorCol = table.columnIndex(QStringLiteral("author"));
    const QString needle = author.trimmed();
    out.rows.clear();
    for (const QVariantList &row : table.rows) {
        if (!outcome.isEmpty() && (outcomeCol < 0 || row.value(outcomeCol).toString() != outcome))
            continue;
        if (!needle.isEmpty() && (authorCol < 0 || !row.value(authorCol).toString().contains(needle, Qt::CaseInsensitive)))
            continue;
        out.rows.append(row);
    }
    return out;
}

static bool storeFileExists(const QString &dir)
{
    return !dir.isEmpty() && QFileInfo::exists(QDir(dir).filePath(QStringLiteral("kernellens.sqlite")));
}

static bool sectionHasData(const report::Section &section)
{
    for (const report::Table &t : section.tables)
        if (!t.rows.isEmpty())
            return true;
    for (const report::Chart &c : section.charts)
        for (const report::Series &s : c.series)
            for (double v : s.values)
                if (std::isfinite(v))
                    return true;
    return false;
}

// The outcome column with its colour, as in the timeline and the outcome picker.
class OutcomeDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QString outcome = index.data(models::TableModel::RawValueRole).toString();
        if (outcome.isEmpty())
            return;
        option->icon = dot(ReviewTimeline::outcomeColor(outcome));
        option->features |= QStyleOptionViewItem::HasDecoration;
        option->decorationSize = QSize(10, 10);
    }

private:
    static QIcon dot(const QColor &color)
    {
        QPixmap pixmap(20, 20);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawEllipse(QRectF(2, 2, 16, 16));
        return QIcon(pixmap);
    }
};

// Title, outcome, versions, dates and release first; the rest after, in the table's order.
static void arrangeSeriesColumns(QTableView *view, const report::Table &table)
{
    static const QStringList order = {QStringLiteral("title"), QStringLiteral("outcome"), QStringLiteral("versions"),
                                      QStringLiteral("first_posted"), QStringLiteral("release"), QStringLiteral("author")};
    QHeaderView *header = view->horizontalHeader();
    int visual = 0;
    for (const QString &key : order) {
        const int logical = table.columnIndex(key);
        if (logical < 0)
            continue;
        const int from = header->visualIndex(logical);
        if (from != visual)
            header->moveSection(from, visual);
        ++visual;
    }
    const int title = table.columnIndex(QStringLiteral("title"));
    if (title >= 0 && view->columnWidth(title) > 330)
        view->setColumnWidth(title, 330);
    const int author = table.columnIndex(QStringLiteral("author"));
    if (author >= 0 && view->columnWidth(author) > 260)
        view->setColumnWidth(author, 260);
}

// ---- SectionPanel -----------------------------------------------------------------------

SectionPanel::SectionPanel(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    m_stack = new QStackedWidget(this);
    layout->addWidget(m_stack);
    m_message = new QLabel(m_stack);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_message);

    auto *page = new QWidget(m_stack);
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    m_method = new QLabel(page);
    m_method->setTextFormat(Qt::PlainText);
    m_method->setForegroundRole(QPalette::PlaceholderText);
    m_method->setMinimumWidth(80);
    m_method->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    pageLayout->addWidget(m_method);
    auto *splitter = new QSplitter(Qt::Vertical, page);
    m_chart = new ChartPanel(splitter);
    m_tables = new QTabWidget(splitter);
    m_tables->setDocumentMode(true);
    splitter->addWidget(m_chart);
    splitter->addWidget(m_tables);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    pageLayout->addWidget(splitter, 1);
    m_stack->addWidget(page);
    setMessage(tr("Loading…"));
}

void SectionPanel::setMessage(const QString &text)
{
    m_message->setText(text);
    m_stack->setCurrentWidget(m_message);
}

void SectionPanel::setSection(const report::Section &section)
{
    m_section = section;
    m_method->setText(section.method.section(QStringLiteral(". "), 0, 0));
    m_method->setToolTip(QStringLiteral("<p>%1</p>").arg(section.method.toHtmlEscaped()));
    m_chart->setCharts(section.charts);
    m_chart->setVisible(!section.charts.isEmpty());
    const int current = m_tables->currentIndex();
    while (m_tables->count() > 0) {
        QWidget *w = m_tables->widget(0);
        m_tables->removeTab(0);
        w->deleteLater();
    }
    for (const report::Table &table : section.tables) {
        auto *panel = new TablePanel(m_tables);
        panel->setTable(table);
        m_tables->addTab(panel, table.title.isEmpty() ? table.id : table.title);
    }
    if (current >= 0 && current < m_tables->count())
        m_tables->setCurrentIndex(current);
    m_stack->setCurrentIndex(1);
}

ChartPanel *SectionPanel::chartPanel() const
{
    return m_stack->currentIndex() == 1 && m_chart->hasChart() ? m_chart : nullptr;
}

TablePanel *SectionPanel::currentTablePanel() const
{
    return m_stack->currentIndex() == 1 ? qobject_cast<TablePanel *>(m_tables->currentWidget()) : nullptr;
}

void SectionPanel::refreshTheme()
{
    m_chart->refreshTheme();
}

// ---- ReviewView ---------------------------------------------------------------------------

ReviewView::ReviewView(QWidget *parent) : View(QStringLiteral("review"), tr("Review"), parent)
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(6);

    auto *header = new QHBoxLayout;
    auto *heading = new QLabel(tr("Patch review"), content);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    font.setBold(true);
    heading->setFont(font);
    header->addWidget(heading);
    header->addSpacing(12);
    m_summary = new QLabel(content);
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setForegroundRole(QPalette::PlaceholderText);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    header->addWidget(m_summary, 1);
    m_language = new QComboBox(content);
    m_language->setObjectName(QStringLiteral("reviewLanguage"));
    m_language->addItem(tr("All languages"), QString());
    m_language->addItem(tr("Second language"), QStringLiteral("second"));
    m_language->addItem(tr("C"), QStringLiteral("c"));
    m_language->addItem(tr("Other"), QStringLiteral("other"));
    m_language->setToolTip(tr("Patch sets touching the second language (any version), C only, or neither; "
                              "applies to the charts too"));
    auto *languageLabel = new QLabel(tr("&Language"), content);
    languageLabel->setBuddy(m_language);
    header->addWidget(languageLabel);
    header->addWidget(m_language);
    layout->addLayout(header);

    m_tabs = new QTabWidget(content);
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs, 1);

    // Patch sets: the browser over the thread reader, the timeline beside them; the outcome and
    // author filters sit in the tab bar's corner while this tab is on screen.
    auto *browse = new QWidget(m_tabs);
    auto *browseLayout = new QVBoxLayout(browse);
    browseLayout->setContentsMargins(0, 6, 0, 0);
    browseLayout->setSpacing(6);
    auto *filters = new QWidget(m_tabs);
    auto *filtersLayout = new QHBoxLayout(filters);
    filtersLayout->setContentsMargins(0, 0, 0, 2);
    m_outcome = new QComboBox(filters);
    m_outcome->setObjectName(QStringLiteral("reviewOutcome"));
    m_outcome->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_outcome->addItem(tr("All outcomes"), QString());
    auto *outcomeLabel = new QLabel(tr("&Outcome"), filters);
    outcomeLabel->setBuddy(m_outcome);
    m_author = new QLineEdit(filters);
    m_author->setObjectName(QStringLiteral("reviewAuthor"));
    m_author->setPlaceholderText(tr("name or address"));
    m_author->setClearButtonEnabled(true);
    m_author->setMinimumWidth(200);
    m_authors = new QStringListModel(this);
    auto *completer = new QCompleter(m_authors, m_author);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    m_author->setCompleter(completer);
    auto *authorLabel = new QLabel(tr("&Author"), filters);
    authorLabel->setBuddy(m_author);
    filtersLayout->addWidget(outcomeLabel);
    filtersLayout->addWidget(m_outcome);
    filtersLayout->addSpacing(10);
    filtersLayout->addWidget(authorLabel);
    filtersLayout->addWidget(m_author);
    m_tabs->setCornerWidget(filters, Qt::TopRightCorner);

    auto *bannerRow = new QHBoxLayout;
    m_banner = new QLabel(browse);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setWordWrap(true);
    m_banner->setText(tr("This store has no git history: patch sets count as merged only from “applied” replies, "
                         "without their commits or release. Add the git repository these patches go into to link "
                         "each patch to its commit and release."));
    auto *bannerAction = new QToolButton(browse);
    bannerAction->setText(tr("Go to Sources"));
    bannerRow->addWidget(m_banner, 1);
    bannerRow->addWidget(bannerAction);
    auto *bannerBox = new QFrame(browse);
    bannerBox->setFrameShape(QFrame::StyledPanel);
    bannerBox->setAutoFillBackground(true);
    bannerBox->setBackgroundRole(QPalette::AlternateBase);
    bannerBox->setLayout(bannerRow);
    bannerBox->hide();
    m_bannerBox = bannerBox;
    browseLayout->addWidget(bannerBox);
    connect(bannerAction, &QToolButton::clicked, this, [this] { Q_EMIT navigateRequested(QStringLiteral("sources")); });

    auto *split = new QSplitter(Qt::Horizontal, browse);
    auto *left = new QSplitter(Qt::Vertical, split);
    m_series = new TablePanel(left);
    m_series->setObjectName(QStringLiteral("reviewSeries"));
    m_outcomeDelegate = new OutcomeDelegate(m_series->view());
    m_reader = new MessageReader(left);
    m_reader->clear(tr("Select a version in the timeline to read its thread."));
    left->addWidget(m_series);
    left->addWidget(m_reader);
    left->setSizes({560, 440});
    m_timeline = new ReviewTimeline(split);
    split->addWidget(left);
    split->addWidget(m_timeline);
    split->setSizes({640, 420});
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    browseLayout->addWidget(split, 1);
    m_tabs->addTab(browse, tr("Patch sets"));

    m_outcomes = new SectionPanel(m_tabs);
    m_tabs->addTab(m_outcomes, tr("Outcomes && latency"));
    m_onboarding = new SectionPanel(m_tabs);
    m_tabs->addTab(m_onboarding, tr("Newcomers by mail"));
    connect(m_tabs, &QTabWidget::currentChanged, filters, [this, filters] { filters->setVisible(m_tabs->currentIndex() == 0); });
    setContent(content);

    m_timelineTimer = new QTimer(this);
    m_timelineTimer->setSingleShot(true);
    m_timelineTimer->setInterval(150); // arrowing through the list loads only where it stops
    connect(m_timelineTimer, &QTimer::timeout, this, [this] {
        if (m_pendingSeries > 0 && m_pendingSeries != m_shownSeries)
            loadTimeline(m_pendingSeries, false);
    });
    auto *authorTimer = new QTimer(this);
    authorTimer->setSingleShot(true);
    authorTimer->setInterval(200);
    connect(authorTimer, &QTimer::timeout, this, &ReviewView::presentSeries);
    connect(m_author, &QLineEdit::textChanged, authorTimer, qOverload<>(&QTimer::start));
    connect(m_outcome, &QComboBox::activated, this, &ReviewView::presentSeries);
    connect(m_language, &QComboBox::activated, this, &View::reload);
    connect(m_series, &TablePanel::rowSelected, this, &ReviewView::onSeriesSelected);
    connect(m_timeline, &ReviewTimeline::threadRequested, this, &ReviewView::openThread);
    connect(m_timeline, &ReviewTimeline::statusMessage, this, &View::statusMessage);
}

ReviewView::~ReviewView()
{
    m_cancel.cancel();
    m_timelineCancel.cancel();
}

ChartPanel *ReviewView::currentChartPanel() const
{
    if (m_tabs->currentWidget() == m_outcomes)
        return m_outcomes->chartPanel();
    if (m_tabs->currentWidget() == m_onboarding)
        return m_onboarding->chartPanel();
    return nullptr;
}

TablePanel *ReviewView::currentTablePanel() const
{
    if (m_tabs->currentWidget() == m_outcomes)
        return m_outcomes->currentTablePanel();
    if (m_tabs->currentWidget() == m_onboarding)
        return m_onboarding->currentTablePanel();
    return m_series;
}

void ReviewView::refreshTheme()
{
    m_outcomes->refreshTheme();
    m_onboarding->refreshTheme();
    m_timeline->list()->viewport()->update();
}

struct ReviewSeriesLoad
{
    bool storeExists = false;
    bool hasData = false;
    qint64 messages = -1;
    qint64 patches = -1;
    qint64 commits = -1;
    Status status;   // opening the store or reading what it holds
    Result<report::Table> series = Status::error(QStringLiteral("not computed"));
};

void ReviewView::pendingDone()
{
    if (--m_pending == 0)
        finishLoading();
}

void ReviewView::load()
{
    if (!reviewAvailable()) {
        showEmpty(tr("Patch review is not in this build yet"),
                  tr("Review follows each patch set from v1 through its revisions to the commits that merged it."),
                  tr("Go to Sources"));
        finishLoading();
        return;
    }
    showLoading();
    m_cancel.cancel();
    m_cancel = CancelToken();
    m_timelineCancel.cancel();
    ++m_timelineGeneration;
    m_timelineTimer->stop();
    m_shownSeries = 0;
    const CancelToken token = m_cancel;
    const quint64 generation = nextGeneration();
    ViewContext ctx = context();
    ctx.filter.language = m_language->currentData().toString();
    m_pending = 1;

    runInBackground(this, [ctx, token]() {
        ReviewSeriesLoad result;
        if (!storeFileExists(ctx.storeDir))
            return result;
        result.storeExists = true;
        if (auto overview = loadStoreOverview(ctx.storeDir)) {
            result.messages = overview->messages;
            result.patches = overview->patches;
            result.commits = overview->commits;
        }
        if (token.isCancelled())
            return result;
        auto store = Store::open(ctx.storeDir, Store::Mode::ReadOnly);
        if (!store) {
            result.status = store.status();
            return result;
        }
        auto has = storeHasReviewData(*store);
        if (!has) {
            result.status = has.status();
            return result;
        }
        result.hasData = *has;
        if (result.hasData && !token.isCancelled())
            result.series = reviewSeriesTable(*store, ctx.filter);
        return result;
    }, [this, generation](ReviewSeriesLoad r) {
        if (generation != this->generation())
            return;
        const QString sourcesAction = tr("Go to Sources");
        if (!r.storeExists || (!r.hasData && r.status.isOk() && r.messages <= 0 && r.commits <= 0)) {
            showEmpty(tr("Ingest a mail archive and the git repository it goes into to see patch review"),
                      tr("Review follows every patch set from v1 through its revisions to the commits that merged it "
                         "and their release. Add the list's archive (public-inbox, mbox or Maildir) and the git "
                         "repository the patches land in, in either order."),
                      sourcesAction);
        } else if (!r.status.isOk()) {
            showEmpty(tr("Review could not be computed"), r.status.message(), sourcesAction);
        } else if (!r.hasData && r.messages <= 0) {
            showEmpty(tr("Ingest the mailing list these commits were reviewed on"),
                      tr("The store has git history (%1 commits) but no mail. Review needs the list's archive: "
                         "patches, their revisions and replies, linked to the commits that merged them.")
                          .arg(QLocale().toString(r.commits)),
                      sourcesAction);
        } else if (!r.hasData && r.patches == 0) {
            showEmpty(tr("The mail in this store holds no patches"),
                      tr("Review needs a list where patches are posted ([PATCH] mail), and the git repository they go into."),
                      sourcesAction);
        } else if (!r.hasData) {
            showEmpty(tr("Review facts have not been derived for this store yet"),
                      tr("The store holds mail but no patch-set facts. Run “kernellens-cli --db %1 derive”, or ingest "
                         "again: the derive stage runs after every ingest.")
                          .arg(QDir::toNativeSeparators(context().storeDir)),
                      sourcesAction);
        } else if (!r.series) {
            showEmpty(tr("Review could not be computed"), r.series.errorMessage(), sourcesAction);
        } else {
            m_allSeries = *r.series;
            m_bannerBox->setVisible(r.commits <= 0);
            updateOutcomeChoices();
            QSet<QString> seen;
            QStringList authors;
            const int authorCol = m_allSeries.columnIndex(QStringLiteral("author"));
            for (const QVariantList &row : std::as_const(m_allSeries.rows)) {
                const QString a = row.value(authorCol).toString();
                if (!a.isEmpty() && !seen.contains(a)) {
                    seen.insert(a);
                    authors.append(a);
                }
            }
            authors.sort(Qt::CaseInsensitive);
            m_authors->setStringList(authors);
            m_reader->setStoreDirectory(context().storeDir);
            m_initialTimeline = true;
            presentSeries();
            m_initialTimeline = false;
            showContent();
        }
        pendingDone();
    });

    if (!storeFileExists(ctx.storeDir))
        return;
    const QList<QPair<ReviewPart, SectionPanel *>> parts = {{ReviewPart::Outcomes, m_outcomes},
                                                            {ReviewPart::MailOnboarding, m_onboarding}};
    for (const auto &[part, panel] : parts) {
        ++m_pending;
        if (!sectionHasData(panel->section()))
            panel->setMessage(tr("Computing…"));
        runInBackground(this, [ctx, token, part = part]() -> Result<report::Section> {
            if (token.isCancelled())
                return Status::cancelled();
            auto store = Store::open(ctx.storeDir, Store::Mode::ReadOnly);
            if (!store)
                return store.status();
            auto has = storeHasReviewData(*store);
            if (!has)
                return has.status();
            if (!*has)
                return report::Section{};
            if (token.isCancelled())
                return Status::cancelled();
            return computeReviewSection(part, *store, ctx.filter);
        }, [this, generation, panel = panel](Result<report::Section> section) {
            if (generation != this->generation())
                return;
            if (!section)
                panel->setMessage(tr("Cannot compute this section: %1").arg(section.errorMessage()));
            else if (!sectionHasData(*section))
                panel->setMessage(tr("No patch sets under the current filters. Ingest a mail archive and the git "
                                     "repository it goes into to see outcomes, latencies and newcomers."));
            else
                panel->setSection(*section);
            pendingDone();
        });
    }
}

void ReviewView::updateOutcomeChoices()
{
    const QString current = m_outcome->currentData().toString();
    QHash<QString, qint64> counts;
    const int col = m_allSeries.columnIndex(QStringLiteral("outcome"));
    for (const QVariantList &row : std::as_const(m_allSeries.rows))
        ++counts[row.value(col).toString()];
    m_outcome->clear();
    m_outcome->addItem(tr("All outcomes (%1)").arg(QLocale().toString(qint64(m_allSeries.rows.size()))), QString());
    QStringList outcomes = kOutcomes;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        if (!it.key().isEmpty() && !outcomes.contains(it.key()))
            outcomes.append(it.key());
    for (const QString &o : std::as_const(outcomes)) {
        const int i = m_outcome->count();
        m_outcome->addItem(QStringLiteral("%1 (%2)").arg(o, QLocale().toString(counts.value(o))), o);
        m_outcome->setItemData(i, ReviewTimeline::outcomeColor(o), Qt::DecorationRole);
    }
    m_outcome->setCurrentIndex(std::max(0, m_outcome->findData(current)));
}

void ReviewView::presentSeries()
{
    const report::Table shown = filterSeriesTable(m_allSeries, m_outcome->currentData().toString(), m_author->text());
    report::Table table = shown;
    if (table.rows.isEmpty())
        table.note = m_allSeries.rows.isEmpty() ? tr("No patch sets under the current filters (dates, list, subsystem, language).")
                                                : tr("No patch set matches the outcome and author filters.");
    m_series->setTable(table);
    m_series->hideColumnKey(QStringLiteral("series_id"));
    arrangeSeriesColumns(m_series->view(), table);
    for (int c = 0; c < table.columns.size(); ++c)
        m_series->view()->setItemDelegateForColumn(c, table.columns[c].key == QStringLiteral("outcome") ? m_outcomeDelegate : nullptr);

    const int outcomeCol = shown.columnIndex(QStringLiteral("outcome"));
    qint64 merged = 0;
    for (const QVariantList &row : shown.rows)
        if (row.value(outcomeCol).toString() == QStringLiteral("merged"))
            ++merged;
    const qint64 n = shown.rows.size();
    m_summary->setText(n == 0 ? tr("no patch sets")
                              : tr("%1 patch sets, %2 merged (%3 %)")
                                    .arg(QLocale().toString(n), QLocale().toString(merged),
                                         QLocale().toString(100.0 * double(merged) / double(n), 'f', 1)));
    if (shown.rows.isEmpty()) {
        m_timelineCancel.cancel();
        ++m_timelineGeneration;
        m_shownSeries = 0;
        m_timeline->clear(m_series->table().note);
        m_reader->clear(tr("Select a version in the timeline to read its thread."));
        return;
    }
    if (!selectSeries(m_selectedSeries))
        m_series->selectFirstRow();
}

bool ReviewView::selectSeries(qint64 seriesId)
{
    if (seriesId <= 0)
        return false;
    const int col = m_series->table().columnIndex(QStringLiteral("series_id"));
    QAbstractItemModel *model = m_series->view()->model();
    for (int r = 0; col >= 0 && r < model->rowCount(); ++r) {
        const QModelIndex index = model->index(r, col);
        if (index.data(models::TableModel::RawValueRole).toLongLong() == seriesId) {
            m_series->view()->setCurrentIndex(index.siblingAtColumn(std::max(0, m_series->table().columnIndex(QStringLiteral("title")))));
            m_series->view()->scrollTo(m_series->view()->currentIndex());
            return true;
        }
    }
    return false;
}

void ReviewView::onSeriesSelected(const QVariantList &row)
{
    const qint64 id = row.value(m_series->table().columnIndex(QStringLiteral("series_id"))).toLongLong();
    if (id <= 0)
        return;
    m_selectedSeries = id;
    if (id == m_shownSeries)
        return;
    if (m_initialTimeline) {
        m_initialTimeline = false;
        m_timeline->clear(tr("Loading the timeline…"));
        loadTimeline(id, true);
        return;
    }
    m_pendingSeries = id;
    m_timelineTimer->start();
}

void ReviewView::loadTimeline(qint64 seriesId, bool countsForReady)
{
    m_timelineCancel.cancel();
    m_timelineCancel = CancelToken();
    const CancelToken token = m_timelineCancel;
    const quint64 timelineGeneration = ++m_timelineGeneration;
    const quint64 loadGeneration = generation();
    m_shownSeries = seriesId;
    m_pendingSeries = 0;
    if (countsForReady)
        ++m_pending;
    const QString dir = context().storeDir;
    runInBackground(this, [dir, seriesId, token]() -> Result<SeriesTimeline> {
        if (token.isCancelled())
            return Status::cancelled();
        auto store = Store::open(dir, Store::Mode::ReadOnly);
        if (!store)
            return store.status();
        return loadSeriesTimeline(*store, seriesId);
    }, [this, seriesId, timelineGeneration, loadGeneration, countsForReady](Result<SeriesTimeline> timeline) {
        if (timelineGeneration == m_timelineGeneration) {
            if (timeline) {
                m_timeline->setTimeline(*timeline);
                m_timeline->selectVersion(-1); // the latest version; its thread opens in the reader
            } else if (!timeline.status().isCancelled()) {
                m_timeline->clear(tr("Cannot load this patch set's timeline: %1").arg(timeline.errorMessage()));
            }
            Q_EMIT timelineLoaded(seriesId);
        }
        if (countsForReady && loadGeneration == generation())
            pendingDone();
    });
}

void ReviewView::openThread(const QString &messageId)
{
    if (messageId.isEmpty()) {
        m_reader->clear(tr("No stored message opens this version."));
        return;
    }
    m_reader->setStoreDirectory(context().storeDir);
    m_reader->setEvidence({});
    m_reader->showThreadOfMessageId(messageId);
}

} // namespace kl::gui
