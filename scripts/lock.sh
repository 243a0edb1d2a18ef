#!/usr/bin/env bash
# Refresh requirements.lock: install pyproject.toml's dependencies (with the dev, dask and lab
# extras) into a fresh virtual environment and record the exact versions pip chose (pip
# freeze). setup.sh installs the dev extra, which includes dask and lab (JupyterLab).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q ".[dev,lab]"
{
  sed -n '1,/^# Regenerate/p' requirements.lock
  "$venv/bin/python" -m pip freeze --exclude-editable | grep -v '^lakipkit'
} > requirements.lock.new
mv requirements.lock.new requirements.lock
rm -rf "$(dirname "$venv")"
echo "requirements.lock: $(grep -vc '^#' requirements.lock) packages"
