#!/usr/bin/env bash
# Crash test: a real `sluice run` process is killed with SIGKILL at each kill
# point of the batch lifecycle (SLUICE_KILL_AT=<point>:<hit>), restarted on
# the same checkpoint, and the file sink's manifest-listed output must hold
# every input record exactly once. The same again with a partitioned sink
# (partitionBy 'p', p = id % 3): every id exactly once, each in the p=<id % 3>
# directory its manifest entry names.
#   usage: crash_test.sh <path to sluice binary>
set -euo pipefail
SLUICE=$1
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

expected=""
for i in $(seq 1 12); do expected+="$i"$'\n'; done

for layout in plain partitioned; do
for point in after_offset_log file_sink:before_manifest after_sink after_commit atomic_write:before_rename; do
  for hit in 1 2 3; do
    d="$WORK/$layout-$(echo "$point" | tr ':' '_')-$hit"
    mkdir -p "$d/in"
    # 4 input files of 3 records each: ids 1..12.
    for f in 0 1 2 3; do
      for r in 1 2 3; do echo "{\"id\":$((f * 3 + r))}"; done > "$d/in/f$f.json"
      touch -d "@$((1700000000 + f))" "$d/in/f$f.json"
    done
    cat > "$d/job.sql" <<SQL
CREATE STREAM input (id BIGINT) USING json OPTIONS (path '$d/in', maxFilesPerTrigger '1');
SQL
    if [ "$layout" = plain ]; then
      cat >> "$d/job.sql" <<SQL
CREATE SINK out USING json OPTIONS (path '$d/out');
START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck'
  AS SELECT id FROM input;
SQL
    else
      cat >> "$d/job.sql" <<SQL
CREATE SINK out USING json OPTIONS (path '$d/out') PARTITIONED BY (p);
START STREAMING QUERY copy INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$d/ck'
  AS SELECT id, id % 3 AS p FROM input;
SQL
    fi
    set +e
    SLUICE_KILL_AT="$point:$hit" "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err1"
    rc=$?
    set -e
    if [ $rc -ne 137 ]; then
      echo "FAIL: $point:$hit: expected the process to be killed (rc 137), got rc $rc"; cat "$d/err1"; exit 1
    fi
    # Restart (and once more: nothing left to do) without a kill point.
    "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err2" || { echo "FAIL: restart after $point:$hit"; cat "$d/err2"; exit 1; }
    "$SLUICE" run "$d/job.sql" >/dev/null 2>"$d/err3" || { echo "FAIL: second restart after $point:$hit"; cat "$d/err3"; exit 1; }
    # Output = the files listed in the manifest (_sluice_metadata), not the directory.
    got=$(for m in $(ls "$d/out/_sluice_metadata" | sort -n); do tail -n +2 "$d/out/_sluice_metadata/$m"; done \
          | sed -n 's/.*"path":"\([^"]*\)".*/\1/p' | while read -r f; do cat "$d/out/$f"; done \
          | sed -n 's/{"id":\([0-9]*\)}/\1/p' | sort -n)
    if [ "$got"$'\n' != "$expected" ]; then
      echo "FAIL: $layout: $point:$hit: output is not every id exactly once:"; echo "$got" | tr '\n' ' '; echo; exit 1
    fi
    if [ "$layout" = partitioned ]; then
      # Each listed file sits in p=<n>/ and holds only ids with id % 3 = n
      # (and no p field: the partition column is in the path).
      for m in $(ls "$d/out/_sluice_metadata" | sort -n); do tail -n +2 "$d/out/_sluice_metadata/$m"; done \
        | sed -n 's/.*"path":"\([^"]*\)".*/\1/p' | while read -r f; do
          case "$f" in p=[012]/part-*) ;; *) echo "FAIL: $point:$hit: manifest path $f is not p=<n>/part-..."; exit 1 ;; esac
          n=${f#p=}; n=${n%%/*}
          while read -r line; do
            id=$(echo "$line" | sed -n 's/^{"id":\([0-9]*\)}$/\1/p')
            if [ -z "$id" ] || [ $((id % 3)) -ne "$n" ]; then
              echo "FAIL: $point:$hit: $f holds '$line'"; exit 1
            fi
          done < "$d/out/$f"
        done
    fi
    echo "ok: $layout: killed at $point (hit $hit), restarted: 12 ids exactly once"
  done
done
done
