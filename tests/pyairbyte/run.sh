#!/usr/bin/env bash
# The PyAirbyte end-to-end test: the connector driven by PyAirbyte (pinned in requirements.txt)
# against the LinkedIn API simulator. Creates or reuses a virtualenv with PyAirbyte, starts the
# simulator (simulator.ts, which writes the connector's config into a temporary directory), runs
# test_pyairbyte.py on that config, stops the simulator, and exits with the test's status.
#
# The virtualenv lives outside the work tree, so that fresh clones (as CI makes) share it:
# $PYAIRBYTE_VENV, else ${XDG_CACHE_HOME:-~/.cache}/source-linkedin-pages/pyairbyte-venv. It is
# rebuilt when requirements.txt or the Python version changes. $PYTHON picks the interpreter
# (default python3.11, else python3). PyAirbyte runs offline: no registry, no telemetry.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

python="${PYTHON:-$(type -P python3.11 || type -P python3)}"
venv="${PYAIRBYTE_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/source-linkedin-pages/pyairbyte-venv}"
requirements="$here/requirements.txt"

# The virtualenv, keyed by the requirements and the interpreter: `stamp` is written only after a
# complete install, so an interrupted one is redone. A lock keeps concurrent runs from racing.
ensure_venv() {
  local key started
  key="$(sha256sum "$requirements" | cut -d' ' -f1)"
  key="$key $("$python" -c 'import sys; print(sys.version)')"
  mkdir -p "$(dirname "$venv")"
  exec 9>"$venv.lock"
  flock 9
  if [ -f "$venv/stamp" ] && [ "$(cat "$venv/stamp")" = "$key" ]; then
    echo "pyairbyte: reusing the virtualenv $venv"
  else
    started="$(now)"
    echo "pyairbyte: creating the virtualenv $venv with $("$python" --version)"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" \
      2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    printf '%s\n' "$key" >"$venv/stamp"
    echo "pyairbyte: pip install took $(since "$started")"
  fi
  flock -u 9
  exec 9>&-
}

# Deno as pinned in .deno-version: `deno` on PATH when it is that version, else through npx.
deno_version="$(tr -d '[:space:]' <"$root/.deno-version")"
if deno_bin="$(type -P deno)" &&
  [ "$("$deno_bin" --version | head -n 1 | cut -d' ' -f2)" = "$deno_version" ]; then
  deno=("$deno_bin")
else
  deno=(npx --yes "deno@$deno_version")
fi

ensure_venv

work="$(mktemp -d "${TMPDIR:-/tmp}/pyairbyte-sim-XXXXXX")"
launcher=""
# Stops the launcher's process group (npx and the deno under it) and waits for the launcher.
stop_simulator() {
  if [ -n "$launcher" ]; then
    kill -TERM -- "-$launcher" 2>/dev/null || true
    wait "$launcher" 2>/dev/null || true
  fi
  launcher=""
}
trap 'stop_simulator; rm -rf "$work"' EXIT

# Started in its own process group, so that stopping it also stops deno under npx.
setsid "${deno[@]}" run --allow-net=127.0.0.1 --allow-read --allow-write="$work" --no-prompt \
  "$here/simulator.ts" "$work" &
launcher=$!
for _ in $(seq 600); do
  [ -f "$work/ready" ] && break
  if ! kill -0 "$launcher" 2>/dev/null; then
    echo "pyairbyte: the simulator exited before it was ready" >&2
    exit 1
  fi
  sleep 0.1
done
[ -f "$work/ready" ] || { echo "pyairbyte: the simulator was not ready after 60s" >&2; exit 1; }

started="$(now)"
status=0
AIRBYTE_OFFLINE_MODE=1 DO_NOT_TRACK=1 NO_COLOR=1 PYTHON="$venv/bin/python" \
  timeout --kill-after=10 600 "$venv/bin/python" "$here/test_pyairbyte.py" "$work/config.json" ||
  status=$?
echo "pyairbyte: the test took $(since "$started") and exited $status"

stop_simulator
exit "$status"
