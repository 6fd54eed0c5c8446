#include "cli.h"

namespace kl::cli {

int onboarding(Context &ctx, const QStringList &)
{
    return ctx.fail(Status::error(QStringLiteral("this command is not built yet")));
}

} // namespace kl::cli
