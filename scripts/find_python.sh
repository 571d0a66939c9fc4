#!/usr/bin/env bash
# Print a Python >= 3.12 interpreter: the pyenv version named in .python-version, or any on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(cat .python-version)
candidates=()
if command -v pyenv >/dev/null 2>&1; then
  for v in $(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.|$)" | sort -V -r); do
    candidates+=("$(pyenv root)/versions/$v/bin/python")
  done
fi
candidates+=("$(command -v python${want} || true)" "$(command -v python3.13 || true)" "$(command -v python3 || true)")
for py in "${candidates[@]}"; do
  [ -n "$py" ] && [ -x "$py" ] || continue
  if "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    echo "$py"; exit 0
  fi
done
echo "No Python >= 3.12 found (install one with pyenv or apt)." >&2
exit 1
