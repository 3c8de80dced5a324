# Shared by infra/scripts/test and infra/scripts/run: the project-local Python tools and the moto emulator.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/infra/requirements.txt"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Creates a virtual environment from a requirements file on first use; reinstalls only when the file changes.
ensure_venv_for() {
  local venv="$1" requirements="$2" stamp want
  stamp="$venv/.requirements.sha256"
  want="$(sha256sum "$requirements" | cut -d' ' -f1)"
  if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    return 0
  fi
  log "installing $(basename "$requirements") into $(basename "$venv") (first run only; about a minute)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  echo "$want" > "$stamp"
}

ensure_venv() {
  ensure_venv_for "$VENV" "$REQUIREMENTS"
}

ensure_sam() {
  ensure_venv_for "$ROOT/.venv-sam" "$ROOT/infra/requirements-sam.txt"
}

free_port() {
  "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts moto_server on a free loopback port and exports what the AWS SDK needs to reach it.
start_moto() {
  local port="${MOTO_PORT:-$(free_port)}"
  MOTO_LOG="${MOTO_LOG:-$ROOT/target/moto.log}"
  mkdir -p "$(dirname "$MOTO_LOG")"
  # moto_server with one fix to its DynamoDB transactions (see the script).
  "$VENV/bin/python" "$ROOT/infra/scripts/moto_server.py" -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 &
  MOTO_PID=$!
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  export AWS_REGION="${AWS_REGION:-us-east-1}" AWS_DEFAULT_REGION="${AWS_REGION:-us-east-1}"
  # Dummy credentials: moto accepts any; real ones must never reach a test run.
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
  unset AWS_SESSION_TOKEN AWS_PROFILE
  for _ in $(seq 1 100); do
    if curl -fsS "$AWS_ENDPOINT_URL/moto-api/" >/dev/null 2>&1; then
      log "moto started on $AWS_ENDPOINT_URL (pid $MOTO_PID)"
      return 0
    fi
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then break; fi
    sleep 0.2
  done
  log "moto did not start; its log:"; cat "$MOTO_LOG" >&2
  return 1
}

stop_moto() {
  if [[ -n "${MOTO_PID:-}" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
    kill "$MOTO_PID" 2>/dev/null || true
    # A moto holding gigabytes can take minutes to free them on exit: give it 10 s, then end it.
    for _ in $(seq 1 50); do
      kill -0 "$MOTO_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -9 "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
    log "moto stopped"
  fi
}

# The reference front end (infra/web): npm packages from package-lock.json (reinstalled when it changes, like the
# Python tools), then built into infra/web/dist when its sources or functions/openapi.yaml changed (like the jars).
WEB_DIR="$ROOT/infra/web"
ensure_web() {
  if ! command -v npm >/dev/null 2>&1; then
    log "npm not found: the web console (infra/web) needs Node.js 18+ and npm"; return 1
  fi
  local stamp="$WEB_DIR/node_modules/.package-lock.sha256" want
  want="$(sha256sum "$WEB_DIR/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    log "installing the web console's npm packages (first run only)"
    (cd "$WEB_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { log "npm ci failed in infra/web"; return 1; }
    echo "$want" >"$stamp"
  fi
  local built="$WEB_DIR/dist/.built"
  if [[ ! -f "$built" || -n "$(find "$WEB_DIR/src" "$WEB_DIR/package.json" "$WEB_DIR/tsconfig.json" "$ROOT/functions/openapi.yaml" \
        -newer "$built" -print -quit 2>/dev/null)" ]]; then
    log "building the web console (API types from functions/openapi.yaml, tsc --noEmit, esbuild)"
    mkdir -p "$WEB_DIR/dist" && touch "$built.new"   # sources edited during the build count as newer
    # Explicit returns: callers use `if ensure_web`, where set -e does not apply.
    if ! (cd "$WEB_DIR" && npm run -s build >"$WEB_DIR/dist/build.log" 2>&1); then
      cat "$WEB_DIR/dist/build.log" >&2
      log "the web console does not build (above): a change to functions/openapi.yaml may have removed what the page uses"
      return 1
    fi
    mv "$built.new" "$built"
  fi
}

# Headless Chromium and its driver from Debian, for the browser test (WebConsoleIT); installed once, as root.
ensure_browser() {
  if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
    return 0
  fi
  local sudo=() apt_log="$ROOT/target/apt-chromium.log"
  [[ "$(id -u)" -ne 0 ]] && sudo=(sudo -n)
  mkdir -p "$ROOT/target"
  log "installing chromium and chromium-driver (Debian packages, for the browser test; first run only)"
  if ! { "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium chromium-driver; } \
      >"$apt_log" 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
    tail -5 "$apt_log" >&2
    log "could not install chromium and chromium-driver (needs root or passwordless sudo and Debian's package sources; log $apt_log)."
    log "Install them by hand: apt-get install -y chromium chromium-driver"
    return 1
  fi
}
