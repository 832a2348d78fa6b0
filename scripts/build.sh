#!/usr/bin/env bash
# Builds the runnable jar (package/target/coopwan.jar) and its AppCDS archive (coopwan.jsa).
# The archive is made by one training run of the daemon with every front-end on, answering a web
# request, so the classes of a normal start are archived. Usage: scripts/build.sh [--skip-tests]
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"
mvn -B -q -DskipTests install
make_cds_archive() {
	local tmp web snmp log pid
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' RETURN
	web=$(free_port tcp); snmp=$(free_port udp)
	write_config "$tmp/coopwan" "$web" "$snmp" "$tmp/ctl.sock"
	rm -f "${JAR%.jar}.jsa"
	COOPWAN_JAR="$JAR" COOPWAN_JAVA_OPTS="-XX:ArchiveClassesAtExit=${JAR%.jar}.jsa -Xlog:cds=error" \
		"$LAUNCHER" run --config "$tmp/coopwan" --state "$tmp/state" > "$tmp/log" 2>&1 &
	pid=$!
	if ! wait_for_line "$tmp/log" "coopwan ready" 30; then
		cat "$tmp/log" >&2; kill "$pid" 2>/dev/null || true; echo "build: training run did not become ready" >&2; return 1
	fi
	curl -s -o /dev/null "http://127.0.0.1:$web/login" || true
	COOPWAN_JAR="$JAR" COOPWAN_CDS=/nonexistent "$LAUNCHER" ctl --socket "$tmp/ctl.sock" status > /dev/null || true
	kill -TERM "$pid"
	wait "$pid" || true
	[ -s "${JAR%.jar}.jsa" ] && echo "build: $JAR and AppCDS archive ${JAR%.jar}.jsa ready"
}
make_cds_archive
