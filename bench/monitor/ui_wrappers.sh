#!/usr/bin/env bash
# Wrappers around one `sluice` binary for measuring the monitoring server's
# cost (issue 16, item 7; docs/benchmarks.md "Monitoring server on and off"):
#
#   bench/monitor/ui_wrappers.sh path/to/sluice DIR
#
# writes into DIR:
#   sluice-ui       the binary itself (copied): `sluice run` with the UI on
#   sluice-noui     the same with --no-ui
#   sluice-scraped  the UI on (--ui-port 0) and a client polling it every
#                   second, harder than the page (every 2 s) plus a Prometheus
#                   scrape: /metrics, the query list, every query's kept
#                   progress records and plan. Its CPU (curl) counts in the
#                   run's CPU when measured with /usr/bin/time.
# and prints their paths on one line, for the benchmark scripts that take
# several binaries (bench/stream/batch_overhead.sh, SLUICE_BINS of
# bench/kafka/e2e.sh), which alternate them.
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 path/to/sluice DIR" >&2; exit 1; }
BIN=$1 DIR=$2
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
cp "$BIN" "$DIR/sluice-ui"
cat > "$DIR/sluice-noui" <<SH
#!/usr/bin/env bash
exec "$DIR/sluice-ui" "\$@" --no-ui
SH
cat > "$DIR/sluice-scraped" <<SH
#!/usr/bin/env bash
err=\$(mktemp /tmp/sluice-scraped.XXXXXX)
"$DIR/sluice-ui" "\$@" --ui-port 0 2> "\$err" &
pid=\$!
(
  url=
  while kill -0 \$pid 2>/dev/null; do
    [[ -z \$url ]] && url=\$(grep -o 'UI at http://[0-9.:]*/' "\$err" | head -1 | cut -d' ' -f3)
    if [[ -n \$url ]]; then
      curl -s -o /dev/null "\${url}metrics"
      for id in \$(curl -s "\${url}api/v1/streaming/queries" | grep -o '"id":"[^"]*"' | cut -d'"' -f4); do
        curl -s -o /dev/null "\${url}api/v1/streaming/queries/\$id/progress"
        curl -s -o /dev/null "\${url}api/v1/streaming/queries/\$id/plan"
      done
    fi
    sleep 1
  done
) &
scraper=\$!
wait \$pid
rc=\$?
kill \$scraper 2>/dev/null; wait \$scraper 2>/dev/null
cat "\$err" >&2
rm -f "\$err"
exit \$rc
SH
chmod +x "$DIR/sluice-noui" "$DIR/sluice-scraped"
echo "$DIR/sluice-ui $DIR/sluice-noui $DIR/sluice-scraped"
