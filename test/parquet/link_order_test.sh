#!/usr/bin/env bash
# libparquet.so (pyarrow's wheel) exports the symbols of the simdjson and
# OpenSSL copies linked into it. A program that lists it before the
# system's libsimdjson / libcrypto binds its own simdjson and EVP_* calls
# to libparquet's copies, of other versions: the JSON file source crashed
# in simdjson's ondemand parser that way (docs/parquet.md, "One catch").
# cmake/arrow.cmake links both system libraries first; this test fails when
# that order is lost:
#   1. every simdjson / EVP_* symbol the program itself uses binds, at load
#      time (LD_BIND_NOW, LD_DEBUG=bindings), to libsimdjson / libcrypto,
#      never to libparquet or libarrow;
#   2. a JSON source -> Parquet sink job (JSON parsing and Parquet writing
#      in one process, the crash's setting) runs and writes every row.
# usage: link_order_test.sh <sluice binary>
set -euo pipefail
SLUICE=$1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sluice-link-order-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
real=$(readlink -f "$SLUICE")

# (The loader names the program as it was invoked: by its real path here.)
LD_BIND_NOW=1 LD_DEBUG=bindings LD_DEBUG_OUTPUT="$WORK/bindings" "$real" --version > /dev/null
cat "$WORK"/bindings.* > "$WORK/all"
# "binding file <object> [0] to <library> [0]: normal symbol `<name>'"
awk -v prog="$real" '$2 == "binding" && $4 == prog && $0 ~ /symbol `(_ZN8simdjson|_ZNK8simdjson|EVP_)/ { print $7, $NF }' \
  "$WORK/all" | sed 's/\[[^]]*\]//g' > "$WORK/ours"
n=$(wc -l < "$WORK/ours")
if [[ $n -eq 0 ]]; then
  echo "FAIL: no simdjson or EVP_* binding of $real seen (LD_DEBUG output changed?)"; exit 1
fi
bad=$(awk '$1 !~ /libsimdjson|libcrypto/' "$WORK/ours" | sort -u)
if [[ -n $bad ]]; then
  echo "FAIL: simdjson / OpenSSL symbols of $real bound to another library (libparquet's copies?):"
  echo "$bad" | head -20
  exit 1
fi
echo "bindings: $n simdjson / EVP_* symbols of sluice bound to libsimdjson / libcrypto"

mkdir -p "$WORK/in"
for f in 0 1 2; do
  for i in $(seq 0 199); do echo "{\"id\": $((f * 200 + i)), \"s\": \"x$i\", \"h\": \"$i\"}"; done > "$WORK/in/f$f.json"
done
cat > "$WORK/job.sql" <<SQL
CREATE STREAM input (id BIGINT, s STRING, h STRING) USING json OPTIONS (path '$WORK/in');
CREATE SINK out USING parquet OPTIONS (path '$WORK/out');
START STREAMING QUERY q INTO out TRIGGER AVAILABLE NOW CHECKPOINT LOCATION '$WORK/ck'
  AS SELECT id, s, sha2(h, 256) AS h FROM input;
SQL
"$SLUICE" run "$WORK/job.sql" 2> "$WORK/run.err" || { echo "FAIL: the JSON -> Parquet job failed:"; tail -5 "$WORK/run.err"; exit 1; }
got=$("$SLUICE" sql --format csv -e "CREATE TABLE t USING parquet OPTIONS (path '$WORK/out'); SELECT count(*), sum(id) FROM t" | tail -1)
[[ $got == "600,179700" ]] || { echo "FAIL: the job wrote '$got' (count,sum), expected 600,179700"; exit 1; }
echo "link order: 2 passed, 0 failed"
