#include "schema.h"

namespace kl::schema {

// Owned by the git part of the product; see docs/git.md.
QList<Migration> gitMigrations()
{
    return {
        {1, R"SQL(
-- Every path ever seen, with its language and top-level directory (the fallback subsystem).
CREATE TABLE git_paths (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  language TEXT NOT NULL,
  top TEXT NOT NULL               -- first path component ("drivers"), "" for top-level files
);
CREATE INDEX git_paths_language ON git_paths(language);
CREATE TABLE commits (
  id INTEGER PRIMARY KEY,
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  oid TEXT NOT NULL,
  author_id INTEGER NOT NULL REFERENCES identities(id),
  author_person INTEGER NOT NULL REFERENCES persons(id),   -- after .mailmap and email merging
  author_time INTEGER NOT NULL,   -- unix seconds
  author_tz INTEGER NOT NULL,     -- minutes east of UTC
  committer_id INTEGER NOT NULL REFERENCES identities(id),
  commit_time INTEGER NOT NULL,
  subject TEXT NOT NULL,
  parents INTEGER NOT NULL,       -- > 1: a merge (no file rows unless ingested --first-parent)
  release_id INTEGER REFERENCES releases(id),   -- first release containing it; NULL: unreleased
  UNIQUE(source_id, oid)
);
CREATE INDEX commits_release ON commits(release_id);
CREATE INDEX commits_person ON commits(author_person, author_time);
-- numstat against the first parent; added/deleted NULL for binary files (git shows "-").
CREATE TABLE commit_files (
  commit_id INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  path_id INTEGER NOT NULL REFERENCES git_paths(id),
  added INTEGER,
  deleted INTEGER,
  PRIMARY KEY(commit_id, path_id)
) WITHOUT ROWID;
CREATE INDEX commit_files_path ON commit_files(path_id);
CREATE TABLE commit_trailers (
  commit_id INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,             -- Signed-off-by, Reviewed-by, Fixes, Link, ...
  value TEXT NOT NULL,
  identity_id INTEGER REFERENCES identities(id)   -- person trailers only
);
CREATE INDEX commit_trailers_commit ON commit_trailers(commit_id);
CREATE INDEX commit_trailers_identity ON commit_trailers(identity_id);
-- Line counts per distinct blob ('\n' bytes, as wc -l); a blob never changes, so this is a cache
-- shared by every release and every rerun.
CREATE TABLE git_blobs (
  id INTEGER PRIMARY KEY,
  oid BLOB NOT NULL UNIQUE,       -- 20 raw bytes
  lines INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  binary INTEGER NOT NULL
);
-- The tree at each release: one row per regular file.
CREATE TABLE release_files (
  release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
  path_id INTEGER NOT NULL REFERENCES git_paths(id),
  blob_id INTEGER NOT NULL REFERENCES git_blobs(id),
  PRIMARY KEY(release_id, path_id)
) WITHOUT ROWID;
-- Aggregates of release_files by top-level directory and language (for fast overviews).
CREATE TABLE release_stats (
  release_id INTEGER NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
  top TEXT NOT NULL,
  language TEXT NOT NULL,
  files INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  PRIMARY KEY(release_id, top, language)
) WITHOUT ROWID;
-- A release's snapshot is complete when its row is here (written in the same transaction).
CREATE TABLE release_snapshots (
  release_id INTEGER PRIMARY KEY REFERENCES releases(id) ON DELETE CASCADE,
  files INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  languages_digest TEXT NOT NULL  -- which definitions classified it
);
-- Which language is the "second" one, and the definitions used, per git source.
CREATE TABLE git_settings (
  source_id INTEGER PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
  second_language TEXT NOT NULL,
  languages TEXT NOT NULL,        -- the definition text
  first_parent INTEGER NOT NULL
);
)SQL"},
        {2, R"SQL(
-- Partial clones and damaged repositories: a blob that cannot be read leaves its figures
-- unknown instead of stopping the ingest (docs/git.md, "Partial and damaged repositories").
-- 1: a blob of this row was missing or corrupt; added/deleted are NULL meaning "unknown"
-- (NULL with unknown = 0 still means binary).
ALTER TABLE commit_files ADD COLUMN unknown INTEGER NOT NULL DEFAULT 0;
-- Files of the release tree whose blob could not be read: counted in files, not in lines, and
-- absent from release_files/release_stats. A snapshot with missing files is retried by a rerun.
ALTER TABLE release_snapshots ADD COLUMN missing_files INTEGER NOT NULL DEFAULT 0;
-- Every object the ingest could not read (per source), for `stats`.
CREATE TABLE git_missing_objects (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  oid TEXT NOT NULL,
  PRIMARY KEY(source_id, oid)
) WITHOUT ROWID;
)SQL"},
        {3, R"SQL(
-- Per-source settings that persist across runs (issue 17): named values per git source
-- (second_language, languages_file, tag_pattern, subsystem_scheme, binding_model,
-- binding_tree, and what the last run resolved: subsystem_scheme_used). A rerun keeps them
-- unless the user changes them.
CREATE TABLE source_settings (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY(source_id, name)
) WITHOUT ROWID;
-- Existing stores: the second language they were ingested with is a stored setting.
INSERT INTO source_settings(source_id, name, value)
  SELECT source_id, 'second_language', second_language FROM git_settings;
)SQL"},
    };
}

} // namespace kl::schema
