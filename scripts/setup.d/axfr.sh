#!/usr/bin/env bash
# Loopback aliases for the AXFR tests' BIND instances (named binds only addresses present on an interface).
set -euo pipefail
# Read the addresses once: `ip ... | grep -q` under pipefail fails when grep exits early (SIGPIPE to ip).
present=$(ip -4 addr show dev lo)
for i in 1 2 3 4 5 6 7 8; do
  [[ $present == *"inet 127.0.1.$i/32"* ]] || ip addr add "127.0.1.$i/32" dev lo
done
