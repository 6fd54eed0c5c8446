#pragma once
// Search: a lore-syntax query box, a results list, and the message and thread reader.

#include "view.h"

#include <kernellens/index/search_index.h>
#include <kernellens/models/report.h>

class QComboBox;
class QLabel;
class QLineEdit;

namespace kl::gui {

class MessageReader;

// The shared filters as lore query terms (l:list d:since..until), appended to what the user typed.
QString queryWithFilter(const QString &query, const models::Filter &filter);
report::Table hitsTable(const SearchResults &results);

class SearchView : public View
{
    Q_OBJECT
public:
    explicit SearchView(QWidget *parent = nullptr);
    void setQuery(const QString &query);
    QString query() const;
    void focusQuery();
    TablePanel *currentTablePanel() const override { return m_results; }
    MessageReader *reader() const { return m_reader; }
    qint64 lastTotal() const { return m_lastTotal; }

protected:
    void load() override;

private:
    QLineEdit *m_query = nullptr;
    QComboBox *m_order = nullptr;
    QLabel *m_status = nullptr;
    TablePanel *m_results = nullptr;
    MessageReader *m_reader = nullptr;
    qint64 m_lastTotal = -1;
};

} // namespace kl::gui
