#!/usr/bin/env bash
# Install certfit for the composite action: the action's own checkout (default) or a PyPI
# version, into a virtual environment under $RUNNER_TEMP (runner Pythons refuse global pip
# installs, PEP 668). Skipped when the wanted version is already on PATH (self-hosted runners,
# a cached tool directory).
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set: run this as a GitHub Action}"
wanted="${INPUT_VERSION:-}"
if [[ -z "$wanted" ]]; then
  wanted="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$action_path/linter/__init__.py")"
  source_spec="$action_path"
else
  if [[ ! "$wanted" =~ ^[0-9A-Za-z.+!-]+$ ]]; then
    # not echoed: a value with a newline would put its own line (a command) in the log
    echo "::error title=certfit::the version input is not a version number"
    exit 1
  fi
  source_spec="certfit==$wanted"
fi

if command -v certfit >/dev/null 2>&1 && [[ "$(certfit --version)" == "certfit $wanted" ]]; then
  echo "certfit $wanted is already installed: $(command -v certfit)"
  exit 0
fi

python="$(command -v python3 || command -v python || true)"
if [[ -z "$python" ]] || ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "::error title=certfit::certfit needs Python 3.11 or newer: add actions/setup-python before this step"
  exit 1
fi
venv="${RUNNER_TEMP:-/tmp}/certfit-venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source_spec"
echo "$venv/bin" >>"${GITHUB_PATH:?GITHUB_PATH is not set}"
echo "installed $("$venv/bin/certfit" --version)"
