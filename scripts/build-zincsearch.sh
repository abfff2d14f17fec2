#!/usr/bin/env bash
# Builds the Elasticsearch-API test server (ZincSearch v0.4.10, from the Go
# module proxy) into bin/zincsearch for the indexer tests. The module lacks
# its built web UI, so a placeholder page satisfies its go:embed; the vendor
# folder is temporary and never committed.
set -euo pipefail
cd "$(dirname "$0")/../tools/zincsearch"
out=$(cd ../.. && pwd)/bin/zincsearch
trap 'rm -rf vendor' EXIT
export GOFLAGS=
go mod vendor -e 2>&1 | grep -v 'pattern web/dist: no matching files' >&2 || true
mkdir -p vendor/github.com/zincsearch/zincsearch/web/dist
echo '<!doctype html><title>zincsearch test server</title>' > vendor/github.com/zincsearch/zincsearch/web/dist/index.html
mkdir -p "$(dirname "$out")"
go build -mod=vendor -trimpath -o "$out.tmp" .
mv "$out.tmp" "$out"
echo "built $out"
