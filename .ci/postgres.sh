#!/usr/bin/env bash
# Start a local PostgreSQL from Debian's packages and print the URL the tests use.
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q online; then
  pg_lsclusters -h | grep -q "^$version main" || pg_createcluster "$version" main >&2
  pg_ctlcluster "$version" main start >&2  # it may chat on stdout ("Removed stale pid file.")
fi
su postgres -c "psql -q -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='hearth') THEN CREATE ROLE hearth LOGIN SUPERUSER PASSWORD 'hearth'; END IF; END \\\$\\\$;\"" >/dev/null
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='hearth'\"" | grep -q 1 || su postgres -c "createdb -O hearth hearth"
# The tests' role need not wait for each commit to reach the disk (this role is the tests' alone).
su postgres -c "psql -q -c \"ALTER ROLE hearth SET synchronous_commit = off\"" >/dev/null
echo "postgresql+asyncpg://hearth:hearth@127.0.0.1:5432/hearth"
