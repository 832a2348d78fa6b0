#!/usr/bin/env bash
# The test lab by hand: network namespaces of a dual-WAN home network (see lab/README.md).
# Usage: scripts/lab.sh up [--isps N] [--relays] | down | status   (as root)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
classes=lab/target/classes
if [ ! -f "$classes/net/coopwan/lab/LabMain.class" ] \
	|| [ -n "$(find lab/src/main -newer "$classes/net/coopwan/lab/LabMain.class" -type f 2>/dev/null | head -1)" ]; then
	mvn -B -q -pl lab package -DskipTests
fi
exec java -cp "$classes" net.coopwan.lab.LabMain "$@"
