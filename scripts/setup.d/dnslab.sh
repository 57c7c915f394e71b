#!/usr/bin/env bash
# DNS lab needs: loopback aliases 127.0.4.1-127.0.4.48 (named binds only addresses present on an interface),
# and Debian's own named/unbound services stopped (they would hold 127.0.0.1:53 and answer instead of the lab).
set -uo pipefail
present=$(ip -4 addr show dev lo)   # read once: "ip | grep -q" under pipefail fails on SIGPIPE
for i in $(seq 1 48); do
  a=127.0.4.$i
  case "$present" in *"inet $a/32 "*) continue ;; esac
  ip addr add "$a/32" dev lo 2>/dev/null || echo "dnslab: could not add $a to lo" >&2
done
stop_pidfile() {
  local f=$1 name=$2
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f" 2>/dev/null)
  if [ -n "$pid" ] && [ "$(cat /proc/$pid/comm 2>/dev/null)" = "$name" ]; then
    # only the distribution service (its pid file lives in /run), never a lab instance
    kill -TERM "$pid" 2>/dev/null && echo "dnslab: stopped distribution $name (pid $pid)"
  fi
}
if command -v systemctl >/dev/null 2>&1 && systemctl is-system-running >/dev/null 2>&1; then
  systemctl stop named bind9 unbound 2>/dev/null || true
fi
stop_pidfile /run/named/named.pid named
stop_pidfile /run/unbound.pid unbound
exit 0
