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
        {"review", reviewMigrations()},
        {"crate", crateMigrations()},
    };
}

} // namespace kl::schema
