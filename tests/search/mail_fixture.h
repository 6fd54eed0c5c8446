#pragma once
// A small store written as the mail ingester writes it (see docs/mail.md), shared by the model
// and CLI tests of the search part.

#include <kernellens/index/search_index.h>
#include <kernellens/index/store.h>

#include <QDateTime>
#include <QTemporaryDir>

#include <optional>

namespace kl::testing {

// A thread of list "linux-kbuild":
//   root <p1@x>            (Miguel, 2024-01-01)
//     <r1@x>               (Masahiro, 2024-01-02)
//       <r3@x>             (Miguel, 2024-01-04)
//     <ghost@x>            (missing)
//       <r2@x>             (Kees, 2024-01-03)
// and a second thread with one message <lone@x>, not yet threaded message <new@x>.
struct Fixture
{
    QTemporaryDir dir;
    std::optional<Store> store;
    qint64 p1 = 0, r1 = 0, r2 = 0, r3 = 0, lone = 0, unthreaded = 0;
    qint64 threadId = 0;

    Status build()
    {
        auto opened = Store::open(dir.path(), Store::Mode::ReadWrite);
        if (!opened)
            return opened.status();
        store.emplace(std::move(opened.value()));
        Database &db = store->db();
        auto source = store->ensureSource(SourceKind::Mbox, QStringLiteral("/tmp/x.mbox"), QStringLiteral("linux-kbuild"));
        if (!source)
            return source.status();
        KL_TRY(db.exec(QStringLiteral("INSERT INTO lists(id, name) VALUES(1, 'linux-kbuild')")));
        auto add = [&](const QString &msgid, const QString &name, const QString &email, const QString &subject,
                       const QDate &day, qint64 &rowId) -> Status {
            auto identity = store->identity(name, email);
            if (!identity)
                return identity.status();
            auto stmt = db.prepare(QStringLiteral(
                "INSERT INTO messages(list_id, source_id, msgid, content_hash, from_identity, date, subject, "
                "size, raw_kind, raw_path) VALUES(1, ?, ?, ?, ?, ?, ?, 100, 'mboxrd', '/tmp/x.mbox')"));
            if (!stmt)
                return stmt.status();
            stmt->bind(1, *source).bind(2, msgid).bind(3, msgid.toUtf8()).bind(4, *identity)
                .bind(5, QDateTime(day, QTime(10, 0), Qt::UTC).toSecsSinceEpoch()).bind(6, subject);
            KL_TRY(stmt->exec());
            rowId = db.lastInsertRowId();
            return Status::ok();
        };
        const QString miguel = QStringLiteral("Miguel Ojeda"), migAddr = QStringLiteral("ojeda@kernel.org");
        KL_TRY(add(QStringLiteral("p1@x"), miguel, migAddr, QStringLiteral("[PATCH] kbuild: rust: tags"), QDate(2024, 1, 1), p1));
        KL_TRY(add(QStringLiteral("r1@x"), QStringLiteral("Masahiro Yamada"), QStringLiteral("masahiroy@kernel.org"),
                   QStringLiteral("Re: [PATCH] kbuild: rust: tags"), QDate(2024, 1, 2), r1));
        // An empty (not null) name: Store::identity() refuses a null one.
        KL_TRY(add(QStringLiteral("r2@x"), QStringLiteral(""), QStringLiteral("kees@kernel.org"),
                   QStringLiteral("Re: [PATCH] kbuild: rust: tags"), QDate(2024, 1, 3), r2));
        KL_TRY(add(QStringLiteral("r3@x"), miguel, migAddr, QStringLiteral("Re: [PATCH] kbuild: rust: tags"),
                   QDate(2024, 1, 4), r3));
        KL_TRY(add(QStringLiteral("lone@x"), miguel, migAddr, QStringLiteral("lonely"), QDate(2024, 2, 1), lone));
        KL_TRY(add(QStringLiteral("new@x"), miguel, migAddr, QStringLiteral("just arrived"), QDate(2024, 3, 1), unthreaded));

        KL_TRY(db.exec(QStringLiteral(
            "INSERT INTO threads(id, list_id, root_msgid, root_message_id, subject, message_count, ghost_count, "
            "participants, max_depth, first_date, last_date) VALUES "
            "(7, 1, 'p1@x', %1, '[PATCH] kbuild: rust: tags', 4, 1, 3, 2, 0, 0), "
            "(8, 1, 'lone@x', %2, 'lonely', 1, 0, 1, 0, 0, 0)").arg(p1).arg(lone)));
        threadId = 7;
        // Node ids deliberately not in pre-order: the loader must follow parent_node and position.
        KL_TRY(db.exec(QStringLiteral(
            "INSERT INTO thread_nodes(id, thread_id, parent_node, msgid, message_id, depth, position) VALUES "
            "(50, 7, NULL, 'p1@x', %1, 0, 0), "
            "(40, 7, 50, 'r1@x', %2, 1, 1), "
            "(30, 7, 40, 'r3@x', %3, 2, 2), "
            "(20, 7, 50, 'ghost@x', NULL, 1, 3), "
            "(10, 7, 20, 'r2@x', %4, 2, 4), "
            "(60, 8, NULL, 'lone@x', %5, 0, 0)").arg(p1).arg(r1).arg(r3).arg(r2).arg(lone)));
        KL_TRY(db.exec(QStringLiteral("UPDATE messages SET thread_id = 7 WHERE id IN (%1, %2, %3, %4)")
                           .arg(p1).arg(r1).arg(r2).arg(r3)));
        KL_TRY(db.exec(QStringLiteral("UPDATE messages SET thread_id = 8 WHERE id = %1").arg(lone)));
        return Status::ok();
    }

    // The search documents the ingester would write for these messages, into the store's index.
    Status buildSearchIndex()
    {
        auto index = SearchIndex::open(store->searchIndexPath(), SearchIndex::Mode::ReadWrite);
        if (!index)
            return index.status();
        auto stmt = store->db().prepare(QStringLiteral(
            "SELECT m.id, m.msgid, m.subject, m.date, i.name, i.email FROM messages m "
            "JOIN identities i ON i.id = m.from_identity"));
        if (!stmt)
            return stmt.status();
        while (true) {
            auto row = stmt->step();
            if (!row)
                return row.status();
            if (!*row)
                break;
            SearchDocument doc;
            doc.rowId = stmt->int64(0);
            doc.messageId = stmt->text(1);
            doc.subject = stmt->text(2);
            doc.date = QDateTime::fromSecsSinceEpoch(stmt->int64(3), Qt::UTC);
            doc.from = QStringLiteral("%1 <%2>").arg(stmt->text(4), stmt->text(5));
            doc.list = QStringLiteral("linux-kbuild");
            doc.ownText = QStringLiteral("body of ") + doc.messageId;
            if (doc.messageId == QLatin1String("p1@x"))
                doc.diffFiles = {QStringLiteral("scripts/tags.sh"), QStringLiteral("rust/Makefile")};
            KL_TRY(index->add(doc));
        }
        return index->commit();
    }
};

} // namespace kl::testing
