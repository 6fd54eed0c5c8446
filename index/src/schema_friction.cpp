#include "schema.h"

namespace kl::schema {

// Owned by the friction part of the product; see docs/friction.md. Thread scores are computed
// from these rows on demand (they depend on the filter: list and date range set the baselines).
QList<Migration> frictionMigrations()
{
    return {
        {1, R"SQL(
-- One row per scored message (message_bodies.own_text through the friction classifier).
-- Rows from another model_version are rescored by the next `friction` run.
CREATE TABLE friction_messages (
  message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  model_version TEXT NOT NULL,
  score REAL NOT NULL,               -- probability of incivility, 0..1
  uncivil INTEGER NOT NULL,          -- score >= the model's threshold
  rejection INTEGER NOT NULL,        -- NAK or explicit refusal
  naks INTEGER NOT NULL,
  shouting INTEGER NOT NULL,
  categories TEXT NOT NULL DEFAULT '',  -- space-separated category names
  evidence TEXT NOT NULL DEFAULT ''     -- JSON array [{sentence, signal, category, weight, start, length}], '' when none
);
CREATE INDEX friction_messages_flags ON friction_messages(uncivil, rejection);
)SQL"},
    };
}

} // namespace kl::schema
