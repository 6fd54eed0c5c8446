#include "schema.h"

namespace kl::schema {

// Owned by the maintainers part of the product (MAINTAINERS per release and the binding
// inventory); the tables are described in docs/coverage.md.
QList<Migration> maintainersMigrations()
{
    return {
        {1, R"SQL(
-- One row per release whose tree has been analysed; written in the same transaction as the
-- release's facts, so it is the resume point of analyzeReleaseTrees().
CREATE TABLE maint_releases (
  release_id INTEGER PRIMARY KEY REFERENCES releases(id) ON DELETE CASCADE,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  maintainers_blob TEXT,          -- NULL when the tree has no MAINTAINERS
  directory_depth INTEGER,        -- set when subsystems are directories (no MAINTAINERS)
  sections INTEGER NOT NULL,
  files INTEGER NOT NULL,
  has_second_language INTEGER NOT NULL, -- rust/ exists in the tree
  blobs_scanned INTEGER NOT NULL,  -- blobs read and scanned for this release
  blobs_reused INTEGER NOT NULL,   -- blobs whose facts came from the per-blob cache
  elapsed_ms INTEGER NOT NULL,
  analysed_at INTEGER NOT NULL
);
CREATE TABLE maint_sections (
  id INTEGER PRIMARY KEY,
  release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
  name TEXT NOT NULL,             -- heading as in MAINTAINERS
  status TEXT NOT NULL DEFAULT '',-- S: value
  line INTEGER NOT NULL,
  subsystem TEXT NOT NULL,        -- rolled-up name: a [RUST] section's C parent, else name
  second_language INTEGER NOT NULL DEFAULT 0 -- 1 for "... [RUST]" sections
);
CREATE INDEX maint_sections_release ON maint_sections(release_id, name);
CREATE INDEX maint_sections_subsystem ON maint_sections(release_id, subsystem);
CREATE TABLE maint_fields (
  section_id INTEGER NOT NULL REFERENCES maint_sections(id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  type TEXT NOT NULL,             -- M R L S W Q B C P T F X N K
  value TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY(section_id, ord)
) WITHOUT ROWID;
CREATE TABLE maint_people (
  section_id INTEGER NOT NULL REFERENCES maint_sections(id) ON DELETE CASCADE,
  role TEXT NOT NULL,             -- M maintainer, R reviewer
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  identity_id INTEGER REFERENCES identities(id)
);
CREATE INDEX maint_people_section ON maint_people(section_id);
CREATE INDEX maint_people_identity ON maint_people(identity_id);
CREATE TABLE maint_paths (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE
);
-- path -> sections of every file of a release (get_maintainer.pl semantics).
CREATE TABLE maint_path_sections (
  release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
  path_id INTEGER NOT NULL REFERENCES maint_paths(id),
  section_id INTEGER NOT NULL REFERENCES maint_sections(id) ON DELETE CASCADE,
  PRIMARY KEY(release_id, path_id, section_id)
) WITHOUT ROWID;
CREATE INDEX maint_path_sections_section ON maint_path_sections(section_id);
-- Facts that depend only on a blob's bytes (exported symbols, bindings:: references,
-- includes, helpers), so unchanged blobs are scanned once across releases.
CREATE TABLE cov_blob_facts (
  blob_oid TEXT NOT NULL,
  kind TEXT NOT NULL,             -- exports, bindings-refs, includes, helpers
  facts TEXT NOT NULL,            -- newline-separated
  PRIMARY KEY(blob_oid, kind)
) WITHOUT ROWID;
-- The binding inventory of a release.
CREATE TABLE cov_items (
  id INTEGER PRIMARY KEY,
  release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,   -- bound-header, uapi-header, helper, module, binding-ref, export, driver, public-header
  name TEXT NOT NULL,   -- header path, helper name, module path, symbol, driver path
  path TEXT NOT NULL,   -- file the fact was found in
  detail TEXT NOT NULL DEFAULT '' -- helper callees, attribution rule, ...
);
CREATE INDEX cov_items_release_kind ON cov_items(release_id, kind, name);
CREATE TABLE cov_item_subsystems (
  item_id INTEGER NOT NULL REFERENCES cov_items(id) ON DELETE CASCADE,
  subsystem TEXT NOT NULL,
  PRIMARY KEY(item_id, subsystem)
) WITHOUT ROWID;
CREATE INDEX cov_item_subsystems_subsystem ON cov_item_subsystems(subsystem, item_id);
)SQL"},
        {2, R"SQL(
-- Which figures of the release are incomplete because blobs could not be read (partial clone,
-- damaged pack); NULL: complete. See docs/coverage.md.
ALTER TABLE maint_releases ADD COLUMN incomplete TEXT;
)SQL"},
    };
}

} // namespace kl::schema
