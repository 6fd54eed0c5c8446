#include "schema.h"

namespace kl::schema {

// Owned by the mail part of the product; see docs/store.md.
QList<Migration> mailMigrations()
{
    return {};
}

} // namespace kl::schema
