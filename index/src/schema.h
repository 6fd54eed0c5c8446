#pragma once
// Versioned migrations, one ordered list per domain so each part of the product owns its tables.
// A migration is never edited once released; add a new one with the next version.

#include <QList>
#include <QString>

namespace kl::schema {

struct Migration
{
    int version;
    const char *sql;
};

struct Domain
{
    const char *name;
    QList<Migration> migrations;
};

QList<Migration> coreMigrations();
QList<Migration> mailMigrations();
QList<Migration> gitMigrations();
QList<Migration> maintainersMigrations();
QList<Migration> frictionMigrations();
QList<Migration> reviewMigrations();
QList<Migration> crateMigrations();

// In dependency order: core first.
QList<Domain> allDomains();

} // namespace kl::schema
