#include "search_view.h"

#include "background.h"
#include "message_reader.h"
#include "table_panel.h"

#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace kl::gui {

QString queryWithFilter(const QString &query, const models::Filter &filter)
{
    QString q = query.trimmed();
    if (!filter.list.isEmpty() && !q.contains(QStringLiteral("l:")))
        q += QStringLiteral(" l:") + filter.list;
    if ((filter.since.isValid() || filter.until.isValid()) && !q.contains(QStringLiteral("d:"))) {
        q += QStringLiteral(" d:") + (filter.since.isValid() ? filter.since.toString(Qt::ISODate) : QString())
             + QStringLiteral("..") + (filter.until.isValid() ? filter.until.toString(Qt::ISODate) : QString());
    }
    return q.trimmed();
}

report::Table hitsTable(const SearchResults &results)
{
    using report::Column;
    report::Table table;
    table.id = QStringLiteral("search.results");
    table.title = QObject::tr("Results");
    table.columns = {{QStringLiteral("date"), QObject::tr("Date"), Column::Kind::DateTime},
                     {QStringLiteral("subject"), QObject::tr("Subject"), Column::Kind::Text},
                     {QStringLiteral("from"), QObject::tr("From"), Column::Kind::Text},
                     {QStringLiteral("list"), QObject::tr("List"), Column::Kind::Text},
                     {QStringLiteral("relevance"), QObject::tr("Relevance"), Column::Kind::Integer},
                     {QStringLiteral("kind"), QObject::tr("Kind"), Column::Kind::Text},
                     {QStringLiteral("message_row_id"), QStringLiteral("row"), Column::Kind::Integer},
                     {QStringLiteral("msgid"), QObject::tr("Message-ID"), Column::Kind::Text}};
    for (const SearchHit &hit : results.hits)
        table.rows.append({hit.date, hit.subject, hit.from, hit.list, qint64(hit.relevance + 0.5),
                           hit.kind == SearchDocument::Kind::Commit ? QObject::tr("commit") : QObject::tr("mail"),
                           hit.rowId, hit.messageId});
    return table;
}

SearchView::SearchView(QWidget *parent) : View(QStringLiteral("search"), tr("Search"), parent)
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 8, 12, 8);
    auto *queryRow = new QHBoxLayout;
    m_query = new QLineEdit(content);
    m_query->setObjectName(QStringLiteral("searchQuery"));
    m_query->setPlaceholderText(tr("s:rust f:ojeda b:\"unsafe block\" nq:NAK dfn:rust/kernel d:2024-01-01..2024-12-31"));
    m_query->setClearButtonEnabled(true);
    m_order = new QComboBox(content);
    m_order->addItem(tr("Newest first"), int(SearchOrder::NewestFirst));
    m_order->addItem(tr("Relevance"), int(SearchOrder::Relevance));
    m_order->addItem(tr("Oldest first"), int(SearchOrder::OldestFirst));
    auto *go = new QPushButton(tr("Search"), content);
    queryRow->addWidget(m_query, 1);
    queryRow->addWidget(m_order);
    queryRow->addWidget(go);
    layout->addLayout(queryRow);
    m_status = new QLabel(
        tr("Lore syntax: s: subject, f: from, t: to, c: cc, a: any address, l: list, m: Message-ID, b: body, "
           "nq: non-quoted, q: quoted, dfn: file touched, d: date range; AND OR NOT, \"phrases\", wild*."),
        content);
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_status);

    auto *splitter = new QSplitter(Qt::Horizontal, content);
    m_results = new TablePanel(splitter);
    m_reader = new MessageReader(splitter);
    splitter->addWidget(m_results);
    splitter->addWidget(m_reader);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    setContent(content);
    showContent();

    connect(m_query, &QLineEdit::returnPressed, this, &View::reload);
    connect(go, &QPushButton::clicked, this, &View::reload);
    connect(m_order, &QComboBox::activated, this, &View::reload);
    connect(m_results, &TablePanel::rowSelected, this, [this](const QVariantList &row) {
        const qint64 id = row.value(6).toLongLong();
        if (id > 0 && row.value(5).toString() == tr("mail")) {
            m_reader->setStoreDirectory(context().storeDir);
            m_reader->setEvidence({});
            m_reader->showThreadOfMessage(id);
        }
    });
}

void SearchView::setQuery(const QString &query)
{
    m_query->setText(query);
}

QString SearchView::query() const
{
    return m_query->text();
}

void SearchView::focusQuery()
{
    m_query->setFocus(Qt::ShortcutFocusReason);
    m_query->selectAll();
}

struct SearchOutcome
{
    bool storeExists = false;
    Result<SearchResults> results = Status::error(QStringLiteral("not run"));
    qint64 documents = 0;
    qint64 elapsedMs = 0;
};

void SearchView::load()
{
    const quint64 generation = nextGeneration();
    const ViewContext ctx = context();
    const QString query = queryWithFilter(m_query->text(), ctx.filter);
    const auto order = SearchOrder(m_order->currentData().toInt());
    runInBackground(this, [ctx, query, order]() {
        SearchOutcome outcome;
        QElapsedTimer clock;
        clock.start();
        if (ctx.storeDir.isEmpty() || !QFileInfo::exists(QDir(ctx.storeDir).filePath(QStringLiteral("kernellens.sqlite"))))
            return outcome;
        outcome.storeExists = true;
        auto store = Store::open(ctx.storeDir, Store::Mode::ReadOnly);
        if (!store) {
            outcome.results = store.status();
            return outcome;
        }
        if (!QFileInfo::exists(store->searchIndexPath())) {
            outcome.results = Status::error(QObject::tr("the store has no search index yet"));
            return outcome;
        }
        auto index = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadOnly);
        if (!index) {
            outcome.results = index.status();
            return outcome;
        }
        outcome.documents = index->documentCount();
        // An empty query lists the newest messages, so the view is never blank on a full store.
        outcome.results = index->search(query, 0, 500, order);
        outcome.elapsedMs = clock.elapsed();
        return outcome;
    }, [this, generation, query](SearchOutcome outcome) {
        if (generation != this->generation())
            return;
        if (!outcome.storeExists) {
            showEmpty(tr("Ingest a mailing list to search it"),
                      tr("Search covers messages and commit messages with lore's query syntax."), tr("Go to Sources"));
            m_lastTotal = -1;
        } else if (!outcome.results) {
            m_results->setTable(hitsTable({}));
            m_status->setText(tr("Search failed: %1").arg(outcome.results.errorMessage()));
            m_lastTotal = -1;
            showContent();
        } else {
            m_results->setTable(hitsTable(*outcome.results));
            m_results->hideColumnKey(QStringLiteral("message_row_id"));
            m_results->hideColumnKey(QStringLiteral("msgid"));
            m_lastTotal = outcome.results->estimatedTotal;
            m_status->setText(tr("%1 of about %2 matches for “%3” among %4 documents (%5 ms)")
                                  .arg(QLocale().toString(qint64(outcome.results->hits.size())),
                                       QLocale().toString(outcome.results->estimatedTotal),
                                       query.isEmpty() ? tr("everything") : query,
                                       QLocale().toString(outcome.documents))
                                  .arg(outcome.elapsedMs));
            showContent();
            if (!outcome.results->hits.isEmpty())
                m_results->view()->selectRow(0);
        }
        finishLoading();
    });
}

} // namespace kl::gui
