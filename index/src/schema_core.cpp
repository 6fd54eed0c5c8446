#include "schema.h"

namespace kl::schema {

QList<Migration> coreMigrations()
{
    return {
        {1, R"SQL(
CREATE TABLE sources (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,            -- git, public-inbox-v2, public-inbox-v1, epoch, mbox, maildir
  location TEXT NOT NULL,        -- absolute path or URL as given, canonicalised
  label TEXT NOT NULL DEFAULT '',-- list name for mail
  added_at INTEGER NOT NULL,     -- unix seconds
  last_run_at INTEGER,
  UNIQUE(kind, location, label)
);
CREATE TABLE watermarks (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY(source_id, key)
) WITHOUT ROWID;
CREATE TABLE persons (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE     -- canonical, case-folded
);
CREATE TABLE identities (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,           -- case-folded
  person_id INTEGER NOT NULL REFERENCES persons(id),
  UNIQUE(name, email)
);
CREATE INDEX identities_person ON identities(person_id);
CREATE TABLE parse_warnings (
  id INTEGER PRIMARY KEY,
  source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,            -- bad-charset, no-message-id, malformed-header, ...
  location TEXT NOT NULL,        -- file:offset, epoch:blob, path:line
  message TEXT NOT NULL
);
CREATE INDEX parse_warnings_kind ON parse_warnings(kind);
-- Releases are shared by git ingest (snapshots, adoption) and the MAINTAINERS/coverage
-- inventory, so they live in core.
CREATE TABLE releases (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,             -- v6.12
  commit_oid TEXT NOT NULL,      -- peeled commit
  tree_oid TEXT NOT NULL,
  date INTEGER NOT NULL,         -- committer time of the tagged commit, unix seconds
  ordinal INTEGER NOT NULL,      -- 0,1,2... in version order
  UNIQUE(source_id, tag)
);
)SQL"},
        {2, R"SQL(
-- Written by the derive stage's release-series derivation (docs/git.md, "Release series"):
-- feature, maintenance or candidate, from the tag names of the source, and the release each
-- one counts under in feature-release views.
CREATE TABLE release_series (
  release_id INTEGER PRIMARY KEY REFERENCES releases(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,            -- feature | maintenance | candidate
  rollup_id INTEGER REFERENCES releases(id) ON DELETE SET NULL   -- NULL: a candidate not released yet
);
CREATE INDEX release_series_rollup ON release_series(rollup_id);
)SQL"},
    };
}

} // namespace kl::schema
