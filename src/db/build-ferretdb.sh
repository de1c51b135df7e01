#!/usr/bin/env bash
# Builds FerretDB v1 from the Go module proxy into .ferretdb/ferretdb.
# Plain `go install` yields a binary that panics at start (FerretDB issue #2982:
# the published module lacks build/version/version.txt), so we add it and build.
set -euo pipefail
VERSION=v1.24.2
cd "$(dirname "$0")/../.."
OUT=.ferretdb/ferretdb
if [ -x "$OUT" ] && "$OUT" --version 2>/dev/null | grep -q "$VERSION"; then
  echo "FerretDB $VERSION already built at $OUT"
  exit 0
fi
command -v go >/dev/null || { echo "Go is needed to build FerretDB (or set MONGODB_URI to use an existing MongoDB)" >&2; exit 1; }
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
echo "Building FerretDB $VERSION from the Go module proxy (first build takes a few minutes)…"
SRC=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | node -pe 'JSON.parse(require("fs").readFileSync(0)).Dir')
rm -rf .ferretdb/src && mkdir -p .ferretdb && cp -r "$SRC" .ferretdb/src && chmod -R u+w .ferretdb/src
echo "$VERSION" > .ferretdb/src/build/version/version.txt
(cd .ferretdb/src && go build -trimpath -buildvcs=false -o ../ferretdb ./cmd/ferretdb)
rm -rf .ferretdb/src
echo "FerretDB built at $OUT"
