#!/usr/bin/env bash
# librdkafka 2.8.0, built from Debian's source package (the one Debian 13
# ships; Debian 12's binary package is 2.0.2) into .deps/librdkafka-<version>/
# at the repository root (git-ignored): a static, position-independent
# librdkafka.a, its header and its pkg-config files. cmake/rdkafka.cmake
# links Sluice against it (or against SLUICE_RDKAFKA_DIR). Idempotent: a
# second run checks a stamp and returns. Needs the packages of
# scripts/setup.sh (a C compiler, make, and the -dev packages of OpenSSL,
# zlib, zstd, lz4 and Cyrus SASL, which the library links).
#
# Why not Debian 12's librdkafka 2.0.2: its main thread serves its queue
# with a 0 ms timeout, in a busy loop, whenever its next timer is less than
# a millisecond away (librdkafka issue 4684, fixed in 2.4.0). A
# transactional producer arms a 1 ms timer at the first record of every
# transaction, so each exactly-once batch cost up to 1 ms of a core in that
# loop: 15% of the job's CPU at 200,000 events/s and a quarter of it at
# 20,000/s (docs/benchmarks.md, "librdkafka 2.8").
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=2.8.0
SHA256=5bd1c46f63265f31c6bfcedcde78703f77d28238eadf23821c2b43fc30be3e25
URL=http://deb.debian.org/debian/pool/main/libr/librdkafka/librdkafka_$VERSION.orig.tar.gz
DEST=${SLUICE_RDKAFKA_DIR:-$PWD/.deps/librdkafka-$VERSION}
STAMP="$DEST/.installed"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "librdkafka $VERSION static gssapi" ]]; then
  echo "setup_rdkafka: $DEST is up to date"
  exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "setup_rdkafka: downloading $URL"
curl -fsSL --retry 3 -o "$TMP/src.tar.gz" "$URL"
echo "$SHA256  $TMP/src.tar.gz" | sha256sum -c --quiet - || {
  echo "setup_rdkafka: checksum mismatch for $URL" >&2
  exit 1
}
tar -xzf "$TMP/src.tar.gz" -C "$TMP"
cd "$TMP/librdkafka-$VERSION"
# The same features as Debian 12's package, pinned rather than detected:
# SSL, zlib, zstd, the system's lz4 and Cyrus SASL (GSSAPI, Kerberos); no
# libcurl (OIDC token fetching), which Sluice does not configure.
# --no-download: mklove's modules come with the tarball.
./configure --no-download --prefix="$DEST" --enable-ssl --enable-zlib --enable-zstd --enable-lz4-ext \
  --enable-gssapi --disable-curl > "$TMP/configure.log" 2>&1 || {
  tail -40 "$TMP/configure.log" >&2
  echo "setup_rdkafka: configure failed (scripts/setup.sh installs what it needs)" >&2
  exit 1
}
echo "setup_rdkafka: building librdkafka $VERSION (about a minute on 2 cores)"
JOBS=$(nproc 2>/dev/null || echo 2)
make -C src -j"$JOBS" librdkafka.a > "$TMP/build.log" 2>&1 || {
  tail -40 "$TMP/build.log" >&2
  echo "setup_rdkafka: build failed" >&2
  exit 1
}
rm -rf "$DEST"
mkdir -p "$DEST/include/librdkafka" "$DEST/lib"
cp src/rdkafka.h src/rdkafka_mock.h "$DEST/include/librdkafka/"
cp src/librdkafka.a "$DEST/lib/"
echo "librdkafka $VERSION static gssapi" > "$STAMP"
echo "setup_rdkafka: ready ($DEST, $(du -sh "$DEST" | cut -f1))"
