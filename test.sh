#!/usr/bin/env bash
# Runs every check and test of tenantd: go vet, gofmt, then go test over all packages. The
# end-to-end suite runs on SQLite and, when TENANTD_TEST_DATABASE_URL names a PostgreSQL
# database, again on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${TENANTD_TEST_DATABASE_URL:-}" ]; then
  echo "TENANTD_TEST_DATABASE_URL is unset: the PostgreSQL pass of the e2e suite is SKIPPED"
else
  echo "the e2e suite runs on SQLite and on PostgreSQL (TENANTD_TEST_DATABASE_URL is set)"
fi

go vet ./...
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

go test -count=1 "$@" ./...
