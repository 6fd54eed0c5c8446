#include "schema.h"

namespace kl::schema {

// Owned by the mail part of the product; documented column by column in docs/mail.md, which
// the thread reader, friction, onboarding and the GUI read. Keep the two in step.
QList<Migration> mailMigrations()
{
    return {
        {1, R"SQL(
CREATE TABLE lists (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  threads_stale INTEGER NOT NULL DEFAULT 0  -- 1 while messages changed since the last re-thread
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES lists(id),
  source_id INTEGER NOT NULL REFERENCES sources(id),
  msgid TEXT NOT NULL,                 -- Message-ID without <>; synthetic when the mail had none
  msgid_synthetic INTEGER NOT NULL DEFAULT 0,
  content_hash BLOB NOT NULL,          -- SHA-1 of the raw message bytes (mbox: unescaped)
  from_identity INTEGER REFERENCES identities(id),
  from_person INTEGER REFERENCES persons(id),
  date INTEGER,                        -- Date: in UTC unix seconds; NULL when unparseable
  subject TEXT NOT NULL DEFAULT '',    -- RFC 2047-decoded
  in_reply_to TEXT,                    -- msgid without <>
  refs TEXT NOT NULL DEFAULT '',       -- References: msgids without <>, space-separated, oldest first
  is_reply INTEGER NOT NULL DEFAULT 0, -- subject starts with Re:/Aw:/Fwd: or In-Reply-To is set
  size INTEGER NOT NULL,               -- raw bytes
  -- Where the raw message lives (it is never copied):
  raw_kind TEXT NOT NULL,              -- 'git' | 'mboxrd' | 'mboxo' | 'maildir'
  raw_path TEXT NOT NULL,              -- git directory of the epoch, mbox file, or Maildir file
  raw_epoch INTEGER,                   -- public-inbox epoch number (git)
  raw_oid TEXT,                        -- blob id (git)
  raw_commit TEXT,                     -- commit that added it (git)
  raw_offset INTEGER,                  -- byte offset of the first header line (mbox)
  raw_length INTEGER,                  -- bytes up to the next "From " line (mbox, still escaped)
  thread_id INTEGER,                   -- threads.id, set by the re-thread at the end of a run
  depth INTEGER,                       -- depth in the thread tree (root 0, ghosts count)
  UNIQUE(list_id, content_hash)
);
CREATE INDEX messages_msgid ON messages(msgid, list_id);
CREATE INDEX messages_list_date ON messages(list_id, date);
CREATE INDEX messages_thread ON messages(thread_id, date);
CREATE INDEX messages_in_reply_to ON messages(in_reply_to);
CREATE INDEX messages_from_person ON messages(from_person, date);
CREATE INDEX messages_source ON messages(source_id);

-- To: and Cc: recipients (kind 1 = To, 2 = Cc).
CREATE TABLE message_addresses (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  kind INTEGER NOT NULL,
  identity_id INTEGER NOT NULL REFERENCES identities(id),
  PRIMARY KEY(message_id, kind, identity_id)
) WITHOUT ROWID;
CREATE INDEX message_addresses_identity ON message_addresses(identity_id);

-- The decoded text, so analyses never re-read sources. Both blobs are qCompress()ed UTF-8.
-- own_text: what the author wrote, quotes, attributions and signature removed, and cut where a
-- diff starts (the diff is summarised in patch_files). quoted_text: the quoted lines.
CREATE TABLE message_bodies (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  own_text BLOB NOT NULL,
  quoted_text BLOB NOT NULL,
  own_chars INTEGER NOT NULL,
  quoted_chars INTEGER NOT NULL,
  has_diff INTEGER NOT NULL DEFAULT 0
);

-- One row per message whose subject carries a [PATCH ...]/[RFC ...] bracket and is not a reply.
CREATE TABLE patches (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  series_id INTEGER REFERENCES series(id) ON DELETE SET NULL,
  version INTEGER NOT NULL DEFAULT 1,
  idx INTEGER NOT NULL DEFAULT 0,      -- 2/7 -> 2; 0 for a cover letter or an unnumbered patch
  total INTEGER NOT NULL DEFAULT 0,    -- 2/7 -> 7; 0 when unnumbered
  is_cover INTEGER NOT NULL DEFAULT 0, -- 0/n
  is_rfc INTEGER NOT NULL DEFAULT 0,
  is_resend INTEGER NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT '',       -- other bracket words, space-separated (net-next ...)
  prefixes TEXT NOT NULL DEFAULT '',   -- subject prefixes, ': '-joined ("rust: kernel")
  title TEXT NOT NULL DEFAULT '',
  normalized_title TEXT NOT NULL DEFAULT '',
  change_id TEXT,                      -- b4 change-id
  files INTEGER NOT NULL DEFAULT 0,
  added INTEGER NOT NULL DEFAULT 0,
  removed INTEGER NOT NULL DEFAULT 0,
  accepted_commit TEXT,                -- from an "applied" reply
  accepted_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE INDEX patches_series ON patches(series_id, idx);
CREATE INDEX patches_normalized ON patches(normalized_title);

CREATE TABLE patch_files (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  old_path TEXT,
  added INTEGER NOT NULL,
  removed INTEGER NOT NULL,
  flags INTEGER NOT NULL DEFAULT 0     -- 1 binary, 2 created, 4 deleted
);
CREATE INDEX patch_files_message ON patch_files(message_id);
CREATE INDEX patch_files_path ON patch_files(path);

-- Trailers written in a message; patch_message_id is the patch they count for (the message
-- itself for a patch, the nearest patch ancestor for a reply; NULL when none).
CREATE TABLE mail_trailers (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  patch_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  identity_id INTEGER REFERENCES identities(id)
);
CREATE INDEX mail_trailers_message ON mail_trailers(message_id);
CREATE INDEX mail_trailers_patch ON mail_trailers(patch_message_id, key);
CREATE INDEX mail_trailers_identity ON mail_trailers(identity_id);

-- "Applied, thanks!" notices, one row per commit named.
CREATE TABLE applied_notices (
  id INTEGER PRIMARY KEY,
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  patch_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  idx INTEGER NOT NULL DEFAULT 0,
  subject TEXT NOT NULL DEFAULT '',
  commit_sha TEXT NOT NULL DEFAULT '',
  branch TEXT NOT NULL DEFAULT ''
);
CREATE INDEX applied_notices_message ON applied_notices(message_id);
CREATE INDEX applied_notices_patch ON applied_notices(patch_message_id);

-- A series: a cover letter (0/n) with its siblings, or a lone patch. Rebuilt per list at the
-- end of each run; ids are stable while the series key (list, key) is unchanged.
CREATE TABLE series (
  id INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES lists(id),
  series_key TEXT NOT NULL,            -- msgid of the cover letter or first patch + "#v" version
  cover_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  first_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
  version INTEGER NOT NULL,
  total INTEGER NOT NULL,
  patch_count INTEGER NOT NULL,        -- patches present (without the cover letter)
  title TEXT NOT NULL,
  normalized_title TEXT NOT NULL,
  author_person INTEGER REFERENCES persons(id),
  first_date INTEGER,
  change_id TEXT,
  previous_series_id INTEGER REFERENCES series(id) ON DELETE SET NULL, -- v(n-1) of this one
  accepted_count INTEGER NOT NULL DEFAULT 0,  -- patches with an applied notice
  UNIQUE(list_id, series_key)
);
CREATE INDEX series_chain ON series(normalized_title, author_person);
CREATE INDEX series_previous ON series(previous_series_id);

-- JWZ threads, rebuilt per list at the end of each run; a thread keeps its id while its root
-- Message-ID stays the root.
CREATE TABLE threads (
  id INTEGER PRIMARY KEY,
  list_id INTEGER NOT NULL REFERENCES lists(id),
  root_msgid TEXT NOT NULL,
  root_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL, -- NULL when the root is a ghost
  subject TEXT NOT NULL DEFAULT '',
  message_count INTEGER NOT NULL,
  ghost_count INTEGER NOT NULL,
  participants INTEGER NOT NULL,       -- distinct from_person
  max_depth INTEGER NOT NULL,
  first_date INTEGER,
  last_date INTEGER,
  UNIQUE(list_id, root_msgid)
);
CREATE INDEX threads_list_date ON threads(list_id, last_date);

-- The tree: one node per message and one per ghost (a Message-ID referenced but not stored).
-- Nodes of a thread in pre-order by `position`; parent_node is NULL for the root.
CREATE TABLE thread_nodes (
  id INTEGER PRIMARY KEY,
  thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
  parent_node INTEGER,
  msgid TEXT NOT NULL,
  message_id INTEGER,                  -- NULL for a ghost
  depth INTEGER NOT NULL,
  position INTEGER NOT NULL
);
CREATE INDEX thread_nodes_thread ON thread_nodes(thread_id, position);
CREATE INDEX thread_nodes_message ON thread_nodes(message_id);

-- Maildir files already read, by name without the ":2,flags" suffix.
CREATE TABLE maildir_seen (
  source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  PRIMARY KEY(source_id, name)
) WITHOUT ROWID;
)SQL"},
    };
}

} // namespace kl::schema
