#!/usr/bin/env bash
# Create benchmarks/.venv-peers with the peer extractors and matplotlib.
#
# The peers live in their own virtual environment so that the cleaner package never
# depends on them. cleaner itself runs from the project's own interpreter (the one that
# runs benchmarks/peers/run.py); this environment only runs the peers and the plot.
#
# Usage: bash benchmarks/peers/setup.sh [PYTHON]   (default: python3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/../.venv-peers"
python="${1:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt"
"$venv/bin/python" - <<'PY'
import importlib.metadata as md
for name in ["trafilatura", "readability-lxml", "justext", "boilerpy3", "newspaper4k",
             "goose3", "resiliparse", "lxml_html_clean", "lxml", "matplotlib"]:
    try:
        print(f"{name}=={md.version(name)}")
    except md.PackageNotFoundError:
        print(f"{name}: not installed")
PY
