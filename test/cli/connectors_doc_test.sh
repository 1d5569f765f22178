#!/usr/bin/env bash
# docs/streaming.md's connector tables are what the registry says: the text
# between the connectors:begin/end markers equals `sluice connectors --markdown`.
# Usage: connectors_doc_test.sh path/to/sluice path/to/docs/streaming.md
set -euo pipefail
SLUICE=$1
DOC=$2
expected=$("$SLUICE" connectors --markdown)
actual=$(sed -n '/^<!-- connectors:begin -->$/,/^<!-- connectors:end -->$/p' "$DOC" | sed '1d;$d')
if [[ -z "$actual" ]]; then
  echo "FAIL: no <!-- connectors:begin --> ... <!-- connectors:end --> section in $DOC" >&2
  exit 1
fi
if [[ "$expected" != "$actual" ]]; then
  echo "FAIL: $DOC's connector tables differ from 'sluice connectors --markdown' (regenerate them):" >&2
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  exit 1
fi
# The plain listing names every connector the Markdown does.
listing=$("$SLUICE" connectors)
for name in rate rate-micro-batch json csv kafka console noop memory; do
  grep -q " $name: " <<<"$listing" || { echo "FAIL: 'sluice connectors' does not list $name" >&2; exit 1; }
done
echo "connectors_doc_test: passed"
