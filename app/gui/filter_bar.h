#pragma once
// The filters every analysis view shares: date range, subsystem, list, and which releases the
// per-release views count in (feature releases or every tag). Remembered in QSettings.

#include <kernellens/models/filter.h>

#include <QWidget>

class QComboBox;
class QDateEdit;
class QSettings;

namespace kl::gui {

class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(QWidget *parent = nullptr);

    models::Filter filter() const;
    void setFilter(const models::Filter &filter);
    void setChoices(const QStringList &subsystems, const QStringList &lists);

    void save(QSettings &settings) const;
    void restore(QSettings &settings);

Q_SIGNALS:
    void filterChanged(const kl::models::Filter &filter);

private:
    void emitChanged();

    QDateEdit *m_since = nullptr;
    QDateEdit *m_until = nullptr;
    QComboBox *m_subsystem = nullptr;
    QComboBox *m_list = nullptr;
    QComboBox *m_releases = nullptr;
    bool m_blocking = false;
};

} // namespace kl::gui
