#include "schema.h"

namespace kl::schema {

// Owned by the maintainers part of the product; see docs/store.md.
QList<Migration> maintainersMigrations()
{
    return {};
}

} // namespace kl::schema
