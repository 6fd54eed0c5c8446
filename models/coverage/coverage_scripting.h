#pragma once
// The coverage section for a source whose binding model is "scripting" (NetBSD's kernel Lua):
// the same figures as the Linux model, named as a NetBSD developer reads them (docs/coverage.md,
// "In-kernel scripting"). Internal to models/coverage.

#include <kernellens/index/result.h>
#include <kernellens/models/report.h>

namespace kl {
class Store;
}

namespace kl::models {

// The binding model stored with the source of `releaseId` ("linux" when none is stored).
Result<QString> bindingModelOfRelease(Store &store, qint64 releaseId);

// "exposed function" for helper, "Lua script" for driver...; other kinds unchanged.
QString scriptingKindTitle(const QString &kind);

// Renames columns, chart and method text, and drops the columns that have no meaning without
// Rust (bound/public headers, [RUST] sections).
void presentAsScripting(report::Section &section, bool hasBindings, const QString &tag);

} // namespace kl::models
