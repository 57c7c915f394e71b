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
# set +e around the run: under `set -e -o pipefail` a failing test run would end the script here, before the summary.
set +e
# The counts and failures below are read from this run's own log: two runs at once must not read each other's.
# /tmp/migrator-test.log gets the same lines as it goes, for whoever looks at the last run.
log=$(mktemp /tmp/migrator-test.XXXXXX.log)
dotnet test Migrator.sln -c "$CONFIGURATION" --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" /tmp/migrator-test.log
rc=${PIPESTATUS[0]}
set -e
# Each test assembly ends with either a one-line summary ("Failed: 0, Passed: 12, Skipped: 0, ...") or, at normal
# verbosity, a block ("Total tests: 12" / "Passed: 12" / "Failed: 1" / "Skipped: 0"); add them all up.
read -r passed failed skipped < <(awk '
  /Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
    for (i = 1; i <= NF; i++) { v = $(i+1); gsub(/,/, "", v)
      if ($i == "Failed:") f += v; else if ($i == "Passed:") p += v; else if ($i == "Skipped:") s += v }
    next }
  /^ *Total tests: / { block = 1; next }
  block && /^ +Passed: +[0-9]+/  { p += $2; next }
  block && /^ +Failed: +[0-9]+/  { f += $2; next }
  block && /^ +Skipped: +[0-9]+/ { s += $2; next }
  /Total time:/ { block = 0 }
  END { print p+0, f+0, s+0 }' "$log")
# The failures again at the very end, so that the last lines of a red run name them.
if [ "$rc" != 0 ]; then
  echo "== failed tests and test-run errors:"
  # Enough lines after each failure for a browser test's aria snapshot of the page it saw.
  grep -E -A 60 '^ +Failed [A-Za-z_]|Test Run Aborted|The active test run was aborted|error MSB|: error ' "$log" \
    | grep -v -E '^\[[0-9:]+ (INF|DBG|WRN)\]' | head -400 || true
fi
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
