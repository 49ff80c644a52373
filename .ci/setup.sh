#!/usr/bin/env bash
# Set up pickpack on a fresh Debian machine: system libraries, a virtual environment in .venv, the project.
# Usage: bash .ci/setup.sh          (the app)
#        bash .ci/setup.sh --test   (the app plus test tools: pytest, pypdf, ruff, poppler's pdftoppm)
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

python_bin=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    python_bin=$candidate
    break
  fi
done
if [ -z "$python_bin" ]; then
  echo "setup: pickpack needs Python 3.11 or newer (apt-get install python3 python3-venv)" >&2
  exit 1
fi

# Debian packages: libzbar0 for pyzbar (barcode self-checks); poppler-utils (pdftoppm) for the document tests.
debs=()
ldconfig -p 2>/dev/null | grep -q 'libzbar\.so' || debs+=(libzbar0)
[ "$want_tests" = 1 ] && ! command -v pdftoppm >/dev/null 2>&1 && debs+=(poppler-utils)
"$python_bin" -c 'import ensurepip' >/dev/null 2>&1 || debs+=(python3-venv)
if [ "${#debs[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo_cmd=(sudo -n)
  echo "setup: installing Debian packages: ${debs[*]}" >&2
  if ! { "${sudo_cmd[@]}" apt-get update -qq && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq "${debs[@]}"; } >/tmp/pickpack-apt.log 2>&1; then
    echo "setup: could not install ${debs[*]} (see /tmp/pickpack-apt.log)." >&2
    echo "setup: run as root or with sudo: apt-get install ${debs[*]}" >&2
    exit 1
  fi
fi

[ -x .venv/bin/python ] || "$python_bin" -m venv .venv
target=.
[ "$want_tests" = 1 ] && target='.[test]'
log=.venv/pip-install.log
if ! { .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip &&
       .venv/bin/python -m pip install -q --disable-pip-version-check -e "$target"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: installing the Python packages failed (log above, also in $log)" >&2
  exit 1
fi
echo "setup: ready (.venv/bin/pickpack)" >&2
