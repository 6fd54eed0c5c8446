#include "dashboard_view.h"

#include "background.h"

#include <QDir>
#include <QFileInfo>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QVBoxLayout>

#include <cmath>

namespace kl::gui {

HeadlineCard::HeadlineCard(const QString &caption, const QString &target, QWidget *parent)
    : QFrame(parent), m_target(target)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    setCursor(Qt::PointingHandCursor);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Open %1").arg(target));
    setMinimumSize(220, 120);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    m_caption = new QLabel(caption, this);
    m_caption->setForegroundRole(QPalette::PlaceholderText);
    m_caption->setWordWrap(true);
    m_figure = new QLabel(QStringLiteral("–"), this);
    QFont big = m_figure->font();
    big.setPointSizeF(big.pointSizeF() * 2.2);
    big.setBold(true);
    m_figure->setFont(big);
    m_figure->setTextFormat(Qt::PlainText);
    m_detail = new QLabel(this);
    m_detail->setWordWrap(true);
    m_detail->setTextFormat(Qt::PlainText);
    layout->addWidget(m_caption);
    layout->addWidget(m_figure);
    layout->addWidget(m_detail);
    layout->addStretch(1);
}

void HeadlineCard::setFigure(const QString &figure, const QString &detail)
{
    m_figure->setText(figure);
    m_detail->setText(detail);
}

QString HeadlineCard::figure() const
{
    return m_figure->text();
}

void HeadlineCard::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        Q_EMIT clicked(m_target);
    QFrame::mouseReleaseEvent(event);
}

void HeadlineCard::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space) {
        Q_EMIT clicked(m_target);
        return;
    }
    QFrame::keyPressEvent(event);
}

// ---- headline figures out of report sections ------------------------------------------------

static int findColumn(const report::Table &t, const QStringList &needles, int kind = -1)
{
    for (const QString &needle : needles)
        for (int c = 0; c < t.columns.size(); ++c)
            if (t.columns[c].key.contains(needle, Qt::CaseInsensitive)
                && (kind < 0 || int(t.columns[c].kind) == kind))
                return c;
    return -1;
}

static QString percent(double v)
{
    const double p = v * 100.0;
    return QLocale().toString(p, 'f', p < 10 ? 2 : 1) + QStringLiteral(" %");
}

Headline adoptionHeadline(const report::Section &section)
{
    for (const report::Table &t : section.tables) {
        const int share = findColumn(t, {QStringLiteral("share")}, int(report::Column::Kind::Percent));
        if (share < 0 || t.rows.isEmpty())
            continue;
        const int label = findColumn(t, {QStringLiteral("release"), QStringLiteral("tag"), QStringLiteral("month")});
        QList<int> rows;
        for (int r = 0; r < t.rows.size(); ++r)
            if (share < t.rows[r].size() && t.rows[r][share].isValid() && !t.rows[r][share].isNull())
                rows.append(r);
        if (rows.isEmpty())
            continue;
        const QVariantList &last = t.rows[rows.last()];
        Headline h;
        h.figure = percent(last[share].toDouble());
        QString where = label >= 0 ? last.value(label).toString() : QString();
        if (rows.size() > 1) {
            const QVariantList &first = t.rows[rows.first()];
            const double delta = (last[share].toDouble() - first[share].toDouble()) * 100.0;
            h.detail = QObject::tr("at %1; %2%3 points since %4")
                           .arg(where, delta >= 0 ? QStringLiteral("+") : QString(),
                                QLocale().toString(delta, 'f', 2), label >= 0 ? first.value(label).toString() : QString());
        } else {
            h.detail = QObject::tr("at %1").arg(where);
        }
        return h;
    }
    return {};
}

Headline coverageHeadline(const report::Section &section)
{
    if (section.tables.isEmpty())
        return {};
    const report::Table &t = section.tables.first();
    const int bound = findColumn(t, {QStringLiteral("bound_headers"), QStringLiteral("bindings"), QStringLiteral("bound"),
                                     QStringLiteral("level"), QStringLiteral("bc_api")});
    if (bound < 0)
        return {QLocale().toString(qint64(t.rows.size())), QObject::tr("subsystems listed")};
    qint64 with = 0;
    for (const QVariantList &row : t.rows)
        if (bound < row.size() && row[bound].toDouble() > 0)
            ++with;
    return {QLocale().toString(with), QObject::tr("of %1 subsystems").arg(t.rows.size())};
}

static QString quarterOf(const QDate &d)
{
    return QStringLiteral("%1-Q%2").arg(d.year()).arg((d.month() - 1) / 3 + 1);
}

Headline frictionHeadline(const report::Section &section)
{
    if (section.tables.isEmpty())
        return {};
    const report::Table &t = section.tables.first();
    const int date = findColumn(t, {QStringLiteral("last_date"), QStringLiteral("date"), QStringLiteral("first_date")});
    if (date < 0 || t.rows.isEmpty())
        return {QLocale().toString(qint64(t.rows.size())), QObject::tr("ranked threads")};
    QDate latest;
    for (const QVariantList &row : t.rows) {
        const QDate d = row.value(date).toDateTime().date();
        if (d.isValid() && (!latest.isValid() || d > latest))
            latest = d;
    }
    if (!latest.isValid())
        return {QLocale().toString(qint64(t.rows.size())), QObject::tr("ranked threads")};
    const QString quarter = quarterOf(latest);
    qint64 n = 0;
    for (const QVariantList &row : t.rows)
        if (quarterOf(row.value(date).toDateTime().date()) == quarter)
            ++n;
    return {QLocale().toString(n), QObject::tr("ranked threads in %1, the latest quarter with mail").arg(quarter)};
}

Headline onboardingHeadline(const report::Section &section)
{
    for (const report::Table &t : section.tables) {
        const int newcomers = findColumn(t, {QStringLiteral("newcomers"), QStringLiteral("new")});
        const int period = findColumn(t, {QStringLiteral("quarter"), QStringLiteral("cohort"), QStringLiteral("period")});
        if (newcomers < 0 || period < 0 || t.rows.isEmpty())
            continue;
        const QVariantList &last = t.rows.last();
        const int via = findColumn(t, {QStringLiteral("rust"), QStringLiteral("second")});
        Headline h;
        h.figure = QLocale().toString(last.value(newcomers).toLongLong());
        h.detail = QObject::tr("newcomers in %1").arg(last.value(period).toString());
        if (via >= 0 && via != newcomers)
            h.detail += QObject::tr(", %1 via the second language").arg(last.value(via).toString());
        return h;
    }
    return {};
}

// ---- the view -----------------------------------------------------------------------------

DashboardView::DashboardView(QWidget *parent) : View(QStringLiteral("dashboard"), tr("Dashboard"), parent)
{
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 12, 16, 12);
    auto *heading = new QLabel(tr("Dashboard"), content);
    QFont font = heading->font();
    font.setPointSizeF(font.pointSizeF() * 1.6);
    font.setBold(true);
    heading->setFont(font);
    layout->addWidget(heading);
    m_subtitle = new QLabel(content);
    m_subtitle->setTextFormat(Qt::PlainText);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_subtitle->setWordWrap(true);
    layout->addWidget(m_subtitle);
    layout->addSpacing(8);

    auto *grid = new QGridLayout;
    grid->setSpacing(12);
    struct Spec { const char *key; QString caption; const char *target; };
    const QList<Spec> specs = {
        {"share", tr("Second-language share of (Rust + C) lines"), "adoption"},
        {"coverage", tr("Subsystems with bindings"), "coverage"},
        {"friction", tr("Friction threads this quarter"), "friction"},
        {"newcomers", tr("Newcomers this quarter"), "onboarding"},
        {"messages", tr("Messages in the store"), "search"},
        {"threads", tr("Threads"), "friction"},
        {"patches", tr("Patches posted"), "review"},
        {"sources", tr("Sources ingested"), "sources"},
    };
    for (int i = 0; i < specs.size(); ++i) {
        auto *card = new HeadlineCard(specs[i].caption, QString::fromLatin1(specs[i].target), content);
        grid->addWidget(card, i / 4, i % 4);
        m_cards.insert(QString::fromLatin1(specs[i].key), card);
        connect(card, &HeadlineCard::clicked, this, &View::navigateRequested);
    }
    layout->addLayout(grid);
    layout->addStretch(1);
    setContent(content);
}

static QString count(qint64 n)
{
    return n < 0 ? QStringLiteral("–") : QLocale().toString(n);
}

void DashboardView::presentOverview(const StoreOverview &o)
{
    if (!o.exists) {
        m_subtitle->setText(tr("Store %1 — nothing ingested yet.").arg(o.directory));
    } else {
        QString range;
        if (o.firstMessage.isValid())
            range = tr("; mail from %1 to %2").arg(o.firstMessage.date().toString(Qt::ISODate),
                                                   o.lastMessage.date().toString(Qt::ISODate));
        m_subtitle->setText(tr("Store %1 — %2 source(s), %3 list(s), %4 release(s)%5")
                                .arg(o.directory)
                                .arg(o.sources.size())
                                .arg(o.lists.size())
                                .arg(o.releases.size())
                                .arg(range));
    }
    m_cards[QStringLiteral("messages")]->setFigure(count(o.messages), o.lists.join(QStringLiteral(", ")));
    m_cards[QStringLiteral("threads")]->setFigure(count(o.threads), QString());
    // Series (versions of patch sets), as the derive stage follows them into the tree.
    m_cards[QStringLiteral("patches")]->setFigure(
        count(o.patches), o.patchSets > 0 ? tr("%1 of %2 series merged").arg(count(o.patchSetsMerged), count(o.patchSets))
                          : o.patches > 0 ? tr("ingest the git repository to follow them") : QString());
    m_cards[QStringLiteral("sources")]->setFigure(count(o.exists ? qint64(o.sources.size()) : 0),
                                                  o.warnings > 0 ? tr("%1 parse warnings").arg(o.warnings) : QString());
}

void DashboardView::pendingDone()
{
    if (--m_pending == 0)
        finishLoading();
}

void DashboardView::load()
{
    showContent();
    const quint64 generation = nextGeneration();
    const ViewContext ctx = context();
    const bool storeExists = !ctx.storeDir.isEmpty()
                             && QFileInfo::exists(QDir(ctx.storeDir).filePath(QStringLiteral("kernellens.sqlite")));
    m_pending = 1;
    runInBackground(this, [dir = ctx.storeDir] { return loadStoreOverview(dir); },
                    [this, generation](Result<StoreOverview> overview) {
                        if (generation != this->generation())
                            return;
                        if (overview)
                            presentOverview(*overview);
                        else
                            m_subtitle->setText(tr("Cannot read the store: %1").arg(overview.errorMessage()));
                        pendingDone();
                    });

    struct CardSpec { const char *key; Analysis analysis; Headline (*pick)(const report::Section &); QString missing; };
    const QList<CardSpec> specs = {
        {"share", Analysis::Adoption, adoptionHeadline, tr("ingest a git repository")},
        {"coverage", Analysis::Coverage, coverageHeadline, tr("ingest a git repository with releases")},
        {"friction", Analysis::Friction, frictionHeadline, tr("ingest a mailing list")},
        {"newcomers", Analysis::Onboarding, onboardingHeadline, tr("ingest git history or mail")},
    };
    for (const CardSpec &spec : specs) {
        HeadlineCard *card = m_cards[QString::fromLatin1(spec.key)];
        if (!analysisAvailable(spec.analysis)) {
            card->setFigure(QStringLiteral("–"), tr("not in this build yet"));
            continue;
        }
        if (!storeExists) {
            card->setFigure(QStringLiteral("–"), spec.missing);
            continue;
        }
        card->setFigure(QStringLiteral("…"), tr("computing"));
        ++m_pending;
        const Analysis analysis = spec.analysis;
        const auto pick = spec.pick;
        const QString missing = spec.missing;
        runInBackground(this, [ctx, analysis]() -> Result<report::Section> {
            auto store = Store::open(ctx.storeDir, Store::Mode::ReadOnly);
            if (!store)
                return store.status();
            return computeAnalysis(analysis, *store, ctx.filter);
        }, [this, generation, card, pick, missing](Result<report::Section> section) {
            if (generation != this->generation())
                return;
            if (!section) {
                card->setFigure(QStringLiteral("–"), section.errorMessage());
            } else {
                const Headline h = pick(*section);
                card->setFigure(h.figure.isEmpty() ? QStringLiteral("–") : h.figure,
                                h.figure.isEmpty() ? missing : h.detail);
            }
            pendingDone();
        });
    }
}

} // namespace kl::gui
