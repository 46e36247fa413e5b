#!/usr/bin/env bash
# Run certfit for the composite action: the chosen format in the log, annotations and the job
# summary always, SARIF when asked, and the exit status as the `exit-code` output. The step
# fails when certfit does (add --force to `args`, or continue-on-error, to keep going).
set -uo pipefail

certfit="${CERTFIT_BIN:-certfit}"

# Split `args` like a shell without running anything from it (no eval).
args=()
if [[ -n "${INPUT_ARGS:-}" ]]; then
  python="$(command -v python3 || command -v python)"
  split='import shlex, sys
for word in shlex.split(sys.argv[1]):
    sys.stdout.write(word + "\0")'
  if ! "$python" -c "$split" "$INPUT_ARGS" >/dev/null; then
    echo "::error title=certfit::cannot split the args input: check its quotes"
    echo "exit-code=1" >>"${GITHUB_OUTPUT:-/dev/null}"
    exit 1
  fi
  while IFS= read -r -d '' word; do
    args+=("$word")
  done < <("$python" -c "$split" "$INPUT_ARGS")
fi

cmd=("$certfit")
if [[ -n "${INPUT_FORMAT:-}" ]]; then
  cmd+=(--format "$INPUT_FORMAT")
fi
# Annotations go to a file and are printed after the log's stop-commands span (below).
annotations="$(mktemp "${RUNNER_TEMP:-/tmp}/certfit-annotations.XXXXXX")"
trap 'rm -f "$annotations"' EXIT
cmd+=(--annotations-file "$annotations")
if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then
  sarif="$INPUT_SARIF_FILE"
  if [[ "$sarif" != /* ]]; then
    sarif="${GITHUB_WORKSPACE:-$PWD}/$sarif"
  fi
  mkdir -p "$(dirname "$sarif")"
  cmd+=(--sarif-file "$sarif")
fi
cmd+=("${args[@]}")

# Everything certfit prints comes from files a pull request may have written. The runner reads
# any log line starting with `::` as a workflow command, so the log goes inside a
# ::stop-commands:: span whose token certfit never sees and nobody can guess; stderr joins
# stdout so that no line can race past the end of the span. Only certfit's annotations, escaped
# by GitHub's rules, are printed after it.
token="$("$(command -v python3 || command -v python)" -c 'import secrets; print(secrets.token_hex(16))')"
echo "::stop-commands::$token"
"${cmd[@]}" 2>&1
code=$?
printf '\n::%s::\n' "$token"
cat "$annotations"
echo "exit-code=$code" >>"${GITHUB_OUTPUT:-/dev/null}"
exit "$code"
