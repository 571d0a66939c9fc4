# Sourced by `make test`: make sure PostgreSQL answers and export DATABASE_URL for the tests.
# Uses $DATABASE_URL when set; otherwise the local server, started if it is installed but stopped.
if [ -z "${DATABASE_URL:-}" ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null 2>&1; then
      version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
      [ -n "$version" ] && pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
      for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
  fi
  if psql "postgres://postgres@127.0.0.1:5432/postgres" -Atc "select 1" >/dev/null 2>&1; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/thidua"
  else
    # Peer authentication on the socket: a superuser role named after this OS user.
    if [ "$(id -u)" -eq 0 ] && ! psql -d postgres -Atc "select 1" >/dev/null 2>&1; then
      runuser -u postgres -- createuser --superuser "$(id -un)" 2>/dev/null || true
    fi
    export DATABASE_URL="postgres:///thidua"
  fi
fi
echo "Tests use PostgreSQL at ${DATABASE_URL%%\?*}"
