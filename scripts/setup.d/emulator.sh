#!/usr/bin/env bash
# Route 53 emulator tests: loopback alias for the BIND parent zone (named binds only addresses present on an
# interface) and the official AWS SDK for JavaScript v3 for the conformance suite (npm ci from the lock file).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(id -u)" = 0 ] && [[ $(ip -4 addr show dev lo) != *"inet 127.0.2.53/"* ]]; then
  ip addr add 127.0.2.53/32 dev lo
fi
conf=tests/conformance
if [ ! -f "$conf/node_modules/.package-lock.json" ] || [ "$conf/package-lock.json" -nt "$conf/node_modules/.package-lock.json" ]; then
  (cd "$conf" && npm ci --no-audit --no-fund --loglevel=error)
fi
