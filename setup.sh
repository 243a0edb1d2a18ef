#!/usr/bin/env bash
# One command on a fresh Debian machine with Python 3.11: system packages, .venv, the 2024 report.
#   ./setup.sh              set up and build output/<satker>/2024/
#   ./setup.sh --no-build   set up only (CI)
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages: WeasyPrint's Pango (PDF), fonts, poppler (pdftotext/pdftoppm for tests and
# page previews), chromium (headless browser check of the HTML), librsvg2-bin (rsvg-convert:
# pandoc gives the figures of the .docx a PNG beside their SVG). Listed once, in apt.txt.
mapfile -t packages < <(grep -v '^\s*#' apt.txt | grep -v '^\s*$')
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "setup: please install as root: apt-get install -y ${missing[*]}" >&2; exit 1; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# Exact versions from requirements.lock (scripts/lock.sh refreshes it): same libraries, same bytes.
.venv/bin/python -m pip install -q -c requirements.lock -e ".[dev]"
# The lab extra's Jupyter server extension (lakipkit/lab.py: workbooks saved clean, kernels over
# IPC), enabled here because an editable install leaves the package's data files out.
mkdir -p .venv/etc/jupyter/jupyter_server_config.d
cp jupyter-config/jupyter_server_config.d/lakipkit.json .venv/etc/jupyter/jupyter_server_config.d/

if [ "${1:-}" != "--no-build" ]; then
  .venv/bin/lakip build --tahun 2024
fi
