#include "schema.h"

namespace kl::schema {

QList<Domain> allDomains()
{
    return {
        {"core", coreMigrations()},
        {"mail", mailMigrations()},
        {"git", gitMigrations()},
        {"maintainers", maintainersMigrations()},
        {"friction", frictionMigrations()},
    };
}

} // namespace kl::schema
