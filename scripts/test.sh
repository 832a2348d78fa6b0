#!/usr/bin/env bash
# Runs every test of coopwan on this machine: installs the Debian tools the tests use
# (scripts/setup.sh), then `mvn verify` (unit tests, front-end tests with real Jetty, real
# net-snmp tools, headless Chromium, and the packaged daemon as a real process).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec mvn -B verify "$@"
