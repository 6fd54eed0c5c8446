#include "schema.h"

namespace kl::schema {

// Owned by the derive stage (ingest/derive/) and patch review; see docs/review.md.
QList<Migration> reviewMigrations()
{
    return {
        {1, R"SQL(
-- One row per derivation: the fingerprint of its inputs when it last finished. A derivation whose
-- inputs still have that fingerprint (and whose code version is unchanged) is skipped.
CREATE TABLE derive_state (
  name TEXT PRIMARY KEY,
  version INTEGER NOT NULL,        -- the derivation's code version; a new one redoes everything
  state TEXT NOT NULL,             -- fingerprint of what it reads
  items INTEGER NOT NULL DEFAULT 0,-- rows it (re)computed in its last run
  seconds REAL NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL
);
-- Warnings of derivations (skipped patches, links to messages not in the archive); rewritten
-- by each run of the derivation that owns them.
CREATE TABLE derive_warnings (
  id INTEGER PRIMARY KEY,
  derivation TEXT NOT NULL,
  kind TEXT NOT NULL,              -- broken-diff, binary-only, no-files, no-date, future-date, link-not-in-archive, ...
  location TEXT NOT NULL,          -- <msgid> or commit oid
  message TEXT NOT NULL
);
CREATE INDEX derive_warnings_kind ON derive_warnings(derivation, kind);
-- git patch-id --stable of each patch mail's diff (NULL when it has none or it is broken).
CREATE TABLE mail_patch_ids (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  patch_id TEXT,
  status TEXT NOT NULL             -- ok, cover, no-diff, broken, binary-only
);
CREATE INDEX mail_patch_ids_id ON mail_patch_ids(patch_id);
-- ... and of each non-merge commit's diff against its first parent (root: the empty tree).
CREATE TABLE commit_patch_ids (
  commit_id INTEGER PRIMARY KEY REFERENCES commits(id) ON DELETE CASCADE,
  patch_id TEXT                    -- NULL: empty diff, merge, or unreadable
);
CREATE INDEX commit_patch_ids_id ON commit_patch_ids(patch_id);
-- Patch mail -> commit. role 'merged': the posting the commit was made from (the last version
-- before the merge); 'earlier': an earlier revision of the same patch.
CREATE TABLE patch_links (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  commit_id INTEGER NOT NULL REFERENCES commits(id) ON DELETE CASCADE,
  method TEXT NOT NULL,            -- trailer, applied, patch-id, author-date, subject, revision
  confidence REAL NOT NULL,        -- 0..1
  role TEXT NOT NULL,              -- merged, earlier
  PRIMARY KEY(message_id, commit_id)
) WITHOUT ROWID;
CREATE INDEX patch_links_commit ON patch_links(commit_id);
-- Per series (one version of a patch set): outcome and review latencies.
CREATE TABLE series_review (
  series_id INTEGER PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
  chain_first INTEGER NOT NULL,    -- series id of v1 of its revision chain
  versions INTEGER NOT NULL,       -- versions in the chain up to and including this one
  outcome TEXT NOT NULL,           -- merged, superseded, rejected, pending, ignored
  superseded_by INTEGER,           -- the next version's series id
  commits INTEGER NOT NULL,        -- distinct commits linked to its patches
  merged_at INTEGER,               -- earliest commit time of those commits, else of an applied notice
  release_id INTEGER REFERENCES releases(id) ON DELETE SET NULL,  -- first release containing one
  first_reply_at INTEGER,          -- first message from someone other than the author
  first_review_at INTEGER,         -- first Reviewed-by/Acked-by from someone else
  chain_first_posted INTEGER NOT NULL,  -- first_date of v1
  language TEXT NOT NULL,          -- "second", "c" or "other": what the patches touch
  subsystems TEXT NOT NULL,        -- MAINTAINERS sections of the touched files, '\n'-separated
  replies INTEGER NOT NULL,        -- messages by others in reply to it
  rejected_by INTEGER REFERENCES persons(id),
  git_source INTEGER REFERENCES sources(id) ON DELETE SET NULL -- the repository its patches go into (releases, subsystems)
);
CREATE INDEX series_review_outcome ON series_review(outcome);
-- Who reviewed a series: trailers given on the list and people who replied.
CREATE TABLE series_reviewers (
  series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
  person_id INTEGER NOT NULL REFERENCES persons(id),
  trailers INTEGER NOT NULL,       -- Reviewed-by / Acked-by / Tested-by given
  replies INTEGER NOT NULL,
  PRIMARY KEY(series_id, person_id)
) WITHOUT ROWID;
CREATE INDEX series_reviewers_person ON series_reviewers(person_id);
-- Linking reads the Link:/Message-ID: trailers of all commits.
CREATE INDEX commit_trailers_kind ON commit_trailers(kind);
)SQL"},
    };
}

} // namespace kl::schema
