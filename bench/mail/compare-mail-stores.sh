#!/bin/bash
# Compares the mail tables (and what the derive stage makes of them) of two stores, table by
# table, with surrogate ids of threads, thread nodes and series replaced by their natural keys
# (root Message-ID, node Message-ID, series key): those ids follow the order rows are written
# in, which is not part of the result. Run timestamps (derive_state) are left out.
# Usage: bench/mail/compare-mail-stores.sh STORE_A STORE_B   (store directories)
# Prints one line per table, "same" or "DIFFERENT" with the first differing lines; exit 1 on any difference.
set -euo pipefail
[ $# -eq 2 ] || { sed -n '2,7p' "$0"; exit 2; }
a=$1/kernellens.sqlite
b=$2/kernellens.sqlite
work=$(mktemp -d "${TMPDIR:-/tmp}/kl-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT

thread_key="(SELECT root_msgid FROM threads t WHERE t.id = %s)"
series_key="(SELECT series_key FROM series s WHERE s.id = %s)"
tk() { printf "$thread_key" "$1"; }
sk() { printf "$series_key" "$1"; }
declare -A q
q[messages]="SELECT id, list_id, source_id, msgid, msgid_synthetic, hex(content_hash), from_identity, from_person, date, subject, in_reply_to, refs, is_reply, size, raw_kind, raw_path, raw_epoch, raw_oid, raw_commit, raw_offset, raw_length, $(tk thread_id), depth FROM messages ORDER BY id"
q[message_addresses]="SELECT * FROM message_addresses ORDER BY 1, 2, 3"
q[message_bodies]="SELECT message_id, hex(own_text), hex(quoted_text), own_chars, quoted_chars, has_diff FROM message_bodies ORDER BY 1"
q[patches]="SELECT message_id, $(sk series_id), version, idx, total, is_cover, is_rfc, is_resend, tags, prefixes, title, normalized_title, change_id, files, added, removed, accepted_commit, accepted_message_id FROM patches ORDER BY 1"
q[patch_files]="SELECT * FROM patch_files ORDER BY message_id, path, old_path"
q[mail_trailers]="SELECT * FROM mail_trailers ORDER BY id"
q[applied_notices]="SELECT * FROM applied_notices ORDER BY id"
q[series]="SELECT list_id, series_key, cover_message_id, first_message_id, version, total, patch_count, title, normalized_title, author_person, first_date, change_id, $(sk previous_series_id), accepted_count FROM series ORDER BY series_key"
q[threads]="SELECT list_id, root_msgid, root_message_id, subject, message_count, ghost_count, participants, max_depth, first_date, last_date FROM threads ORDER BY list_id, root_msgid"
q[thread_nodes]="SELECT $(tk n.thread_id), n.msgid, n.message_id, (SELECT p.msgid FROM thread_nodes p WHERE p.id = n.parent_node), n.depth, n.position FROM thread_nodes n ORDER BY 1, n.position"
q[parse_warnings]="SELECT source_id, kind, location, message FROM parse_warnings ORDER BY 1, 2, 3, 4"
q[identities]="SELECT * FROM identities ORDER BY id"
q[persons]="SELECT * FROM persons ORDER BY id"
q[lists]="SELECT * FROM lists ORDER BY id"
q[watermarks]="SELECT * FROM watermarks ORDER BY 1, 2"
q[mail_patch_ids]="SELECT * FROM mail_patch_ids ORDER BY 1"
q[friction_messages]="SELECT * FROM friction_messages ORDER BY 1"
q[patch_links]="SELECT * FROM patch_links ORDER BY 1, 2, 3"
q[series_review]="SELECT $(sk series_id), $(sk chain_first), versions, outcome, $(sk superseded_by), commits, merged_at, release_id, first_reply_at, first_review_at, chain_first_posted, language, subsystems, replies, rejected_by, git_source FROM series_review ORDER BY 1"
q[series_reviewers]="SELECT $(sk series_id), person_id, trailers, replies FROM series_reviewers ORDER BY 1, 2"
q[derive_warnings]="SELECT derivation, kind, location, message FROM derive_warnings ORDER BY 1, 2, 3, 4"
q[derive_state]="SELECT name, version, items FROM derive_state ORDER BY 1"

status=0
for table in $(printf '%s\n' "${!q[@]}" | sort); do
    sqlite3 -readonly "$a" "${q[$table]}" >"$work/a" 2>"$work/err" || { echo "$table: query failed on A: $(cat "$work/err")"; status=1; continue; }
    sqlite3 -readonly "$b" "${q[$table]}" >"$work/b" 2>"$work/err" || { echo "$table: query failed on B: $(cat "$work/err")"; status=1; continue; }
    if cmp -s "$work/a" "$work/b"; then
        printf '%-18s same (%s rows)\n' "$table" "$(wc -l <"$work/a")"
    else
        printf '%-18s DIFFERENT (%s vs %s rows)\n' "$table" "$(wc -l <"$work/a")" "$(wc -l <"$work/b")"
        diff "$work/a" "$work/b" | head -n 6
        status=1
    fi
done
exit $status
