#!/bin/sh
# draftbot backup: `backup.sh FOLDER` writes one dated copy of the database into FOLDER and
# keeps the newest 30. PostgreSQL (DRAFTBOT_DATABASE_URL=postgresql://…): pg_dump, custom
# format. SQLite (no URL): an online backup (SQLite's backup API, the same as the sqlite3
# shell's `.backup`) of $DRAFTBOT_DATA_DIR/draftbot.sqlite3, taken while the app runs.
# Restore: see docs/deploy.md ("恢复演练").
set -eu
umask 077  # the copies hold every agency's unpublished figures
folder=${1:?usage: backup.sh FOLDER}
mkdir -p "$folder"
stamp=$(date +%Y%m%d-%H%M%S)
case "${DRAFTBOT_DATABASE_URL:-}" in
    postgresql://* | postgres://*)
        out="$folder/draftbot-$stamp.dump"
        pg_dump --format=custom --file="$out.part" "$DRAFTBOT_DATABASE_URL"
        ;;
    *)
        out="$folder/draftbot-$stamp.sqlite3"
        python3 -c 'import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close()' "${DRAFTBOT_DATA_DIR:?set DRAFTBOT_DATA_DIR}/draftbot.sqlite3" "$out.part"
        ;;
esac
mv "$out.part" "$out"
ls -1t "$folder"/draftbot-* | tail -n +31 | xargs -r rm -f
echo "$out"
