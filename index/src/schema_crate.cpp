#include "schema.h"

namespace kl::schema {

// Owned by the out-of-tree binding crate model (FreeBSD's Rust KPI crate): facts of a binding
// repository measured against the C tree it binds; see docs/coverage.md.
QList<Migration> crateMigrations()
{
    return {
        {1, R"SQL(
-- One row per analysed binding repository: the resume point and what it was measured against.
CREATE TABLE crate_runs (
  source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  head_oid TEXT NOT NULL,          -- the crate commit analysed last
  tree_location TEXT NOT NULL,     -- the C tree (a git source's location)
  tree_oid TEXT NOT NULL,          -- its commit
  subsystem_scheme TEXT NOT NULL,  -- "freebsd", "linux" or "dirs" (what the tree's map used)
  elapsed_ms INTEGER NOT NULL,
  analysed_at INTEGER NOT NULL
);
-- The trend: figures of every commit of the crate (first-parent, oldest first).
CREATE TABLE crate_commits (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  oid TEXT NOT NULL,
  time INTEGER NOT NULL,           -- author time, unix seconds
  bound_headers INTEGER NOT NULL,  -- #include lines of bindings.h
  conditional_headers INTEGER NOT NULL,
  references_total INTEGER NOT NULL, -- distinct bindings:: names in the crate's Rust files
  referenced_functions INTEGER NOT NULL, -- of those, functions declared by the tree's headers
  modules INTEGER NOT NULL,        -- <crate>/src/**.rs files
  drivers INTEGER NOT NULL,        -- .rs files outside the crate (demos, drivers)
  api_items INTEGER NOT NULL,      -- public items of the crate's modules
  PRIMARY KEY(source_id, ord)
) WITHOUT ROWID;
-- Binding churn: public API items added (+1) or removed (-1) by a commit.
CREATE TABLE crate_api_changes (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,            -- crate_commits.ord
  item TEXT NOT NULL,              -- "kpi::bus::dma fn map"
  change INTEGER NOT NULL
);
CREATE INDEX crate_api_changes_source ON crate_api_changes(source_id, ord);
-- The inventory at the latest commit. kind: bound-header (name as included, path in the tree or
-- '' when absent, detail = its #if condition), declared-function (name, header path),
-- referenced-function (name, header path, detail = the .rs files), unresolved-reference (a
-- bindings:: name no bound header declares as a function: a type, a constant, or a header the
-- tree lacks), module (crate::path, file), driver (file).
CREATE TABLE crate_items (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  path TEXT NOT NULL,
  subsystem TEXT NOT NULL,         -- the tree's subsystem of `path`; '' when not in the tree
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX crate_items_source ON crate_items(source_id, kind);
)SQL"},
    };
}

} // namespace kl::schema
