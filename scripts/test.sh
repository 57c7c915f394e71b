#!/usr/bin/env bash
# One command for the whole test suite on a fresh machine: installs what the tests need, then runs every test.
# Each file in scripts/setup.d/ installs or starts one area's needs (apt packages, npm packages, loopback aliases).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 AWS_EC2_METADATA_DISABLED=true
CONFIGURATION=${CONFIGURATION:-Release}

if [ "$(id -u)" = 0 ] && [ -z "${MIGRATOR_SKIP_SETUP:-}" ]; then
  APT_PACKAGES=""
  for f in scripts/setup.d/*.apt; do [ -f "$f" ] && APT_PACKAGES="$APT_PACKAGES $(grep -v '^#' "$f" | tr '\n' ' ')"; done
  missing=""
  for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    echo "== apt-get install$missing"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
fi
for f in scripts/setup.d/*.sh; do [ -f "$f" ] && { echo "== $f"; bash "$f"; }; done

echo "== dotnet test ($CONFIGURATION)"
dotnet test Migrator.sln -c "$CONFIGURATION" --logger "console;verbosity=normal" "$@" 2>&1 | tee /tmp/migrator-test.log
rc=${PIPESTATUS[0]}
summary=$(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' /tmp/migrator-test.log || true)
failed=$(echo "$summary" | awk -F'[:,]' '{s+=$2} END {print s+0}')
passed=$(echo "$summary" | awk -F'[:,]' '{s+=$4} END {print s+0}')
skipped=$(echo "$summary" | awk -F'[:,]' '{s+=$6} END {print s+0}')
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
