#include "schema.h"

namespace kl::schema {

// Owned by the friction part of the product; see docs/store.md.
QList<Migration> frictionMigrations()
{
    return {};
}

} // namespace kl::schema
