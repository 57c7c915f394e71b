#!/usr/bin/env bash
# Loopback aliases for the AXFR tests' BIND instances (named binds only addresses present on an interface).
set -euo pipefail
for i in 1 2 3 4 5 6 7 8; do
  ip addr show dev lo | grep -q "inet 127.0.1.$i/32" || ip addr add "127.0.1.$i/32" dev lo
done
