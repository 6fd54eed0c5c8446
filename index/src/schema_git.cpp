#include "schema.h"

namespace kl::schema {

// Owned by the git part of the product; see docs/store.md.
QList<Migration> gitMigrations()
{
    return {};
}

} // namespace kl::schema
