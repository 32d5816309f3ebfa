#!/usr/bin/env bash
# Install everything the tests need, then run them all. Used by the README and by .ci/run.
# Debian packages (chromium, LibreOffice, poppler, PostgreSQL) are installed when missing and we are root.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v git >/dev/null 2>&1 || need+=(git)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)   # the Nu Html Checker (vnu.jar)
command -v npm >/dev/null 2>&1 || need+=(npm)                     # installs vnu.jar and axe-core (tests/tools)
# a throw-away PostgreSQL cluster for the job store tests (tests/postgres.py runs Debian's initdb and pg_ctl)
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || need+=(postgresql)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)       # checks deploy/monitor.service
# Debian's own python3 creates virtual environments only with python3-venv (pyenv and python.org builds need nothing)
python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
# the Containerfile's test builds its virtual environment with Debian's python3, as the image would with its own
/usr/bin/python3 -c 'import ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
  else
    echo "tests/run.sh: missing ${need[*]}; install them with apt-get (as root) for the browser and spreadsheet tests" >&2
  fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
# The page checkers, at the versions pinned in tests/tools/package-lock.json (installed again when the lock changes)
if ! cmp -s tests/tools/package-lock.json tests/tools/node_modules/.installed-lock 2>/dev/null; then
  npm ci --prefix tests/tools --no-audit --no-fund --loglevel=error
  cp tests/tools/package-lock.json tests/tools/node_modules/.installed-lock
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
.venv/bin/python -m ruff check monitor tests benchmarks   # the rules are in pyproject.toml
.venv/bin/python -m mypy                                    # monitor/, as set in pyproject.toml
exec .venv/bin/python -m pytest -q "$@"
