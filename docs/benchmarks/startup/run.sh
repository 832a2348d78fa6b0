#!/usr/bin/env bash
# Start-up benchmark: time-to-ready and RSS of the packaged daemon, several runs per variant,
# medians printed side by side. Usage: docs/benchmarks/startup/run.sh [RUNS]   (default 7)
#
# Variants: the daemon with its control socket (always on: `coopwan ctl` and LuCI need it), then
# with the web UI, with the SNMP agent, and with all front-ends, each without and with
# the AppCDS archive that scripts/build.sh makes. "ready" is measured two ways: from our launch
# to the "coopwan ready" line (wall clock, includes the launcher shell and JVM boot), and the
# daemon's own figure (from main() on, so without JVM boot). With the web UI on, "first page" is
# from launch until GET /login has answered 200: the web UI binds its port before "ready" and
# finishes initialising its REST engine (Jersey) right after, so the first page may come later. RSS is VmRSS right after ready and
# after 50 web (when on) + 3 control-socket requests.
set -euo pipefail
source "$(cd "$(dirname "$0")/../../.." && pwd)/scripts/lib/common.sh"
RUNS="${1:-7}"
cd "$ROOT"
[ -f "$JAR" ] && [ -f "${JAR%.jar}.jsa" ] || bash scripts/build.sh
CDS_FILE="${JAR%.jar}.jsa"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT


# one_run VARIANT CDS -> prints "wall_ms main_ms rss_ready_kb rss_load_kb first_page_ms"
one_run() {
	local variant="$1" cds="$2" web snmp sock webon=0 snmpon=0 t0 t1 pid self r1 r2
	web=$(free_port tcp); snmp=$(free_port udp); sock="$tmp/ctl.sock"
	case "$variant" in
		daemon) ;;
		web) webon=1 ;;
		snmp) snmpon=1 ;;
		all) webon=1; snmpon=1 ;;
	esac
	write_config "$tmp/coopwan" "$web" "$snmp" "$sock" "$webon" "$snmpon"
	rm -rf "$tmp/state" "$tmp/log"
	t0=$(date +%s%N)
	COOPWAN_JAR="$JAR" COOPWAN_CDS="$cds" "$LAUNCHER" run --config "$tmp/coopwan" --state "$tmp/state" > "$tmp/log" 2>&1 &
	pid=$!
	wait_for_line "$tmp/log" "coopwan ready" 60 || { cat "$tmp/log" >&2; kill "$pid"; return 1; }
	t1=$(date +%s%N)
	self=$(sed -n 's/.*coopwan ready in \([0-9]*\) ms.*/\1/p' "$tmp/log")
	first=-
	if [ "$webon" = 1 ]; then
		# The first page waits for the web UI's REST engine, initialised right after ready.
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "http://127.0.0.1:$web/login")" = 200 ] \
			|| { echo "benchmark: first page failed" >&2; kill "$pid"; return 1; }
		first=$(( ($(date +%s%N) - t0) / 1000000 ))
	fi
	r1=$(rss_kb "$pid")
	if [ "$webon" = 1 ]; then
		for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$web/login"; done
	fi
	for _ in $(seq 1 3); do COOPWAN_JAR="$JAR" COOPWAN_CDS="$CDS_FILE" "$LAUNCHER" ctl --socket "$sock" status > /dev/null; done
	r2=$(rss_kb "$pid")
	kill -TERM "$pid"; wait "$pid" || true
	echo "$(( (t1 - t0) / 1000000 )) $self $r1 $r2 $first"
}

printf '%-8s %-6s %12s %12s %16s %14s %14s\n' variant cds "ready_wall" "ready_main" "first_page_wall" "rss_ready_MB" "rss_loaded_MB"
declare -A res
for variant in daemon web snmp all; do
	for cds in off on; do
		archive=/nonexistent; [ "$cds" = on ] && archive="$CDS_FILE"
		: > "$tmp/runs"
		for _ in $(seq 1 "$RUNS"); do one_run "$variant" "$archive" >> "$tmp/runs"; done
		w=$(awk '{print $1}' "$tmp/runs" | median); s=$(awk '{print $2}' "$tmp/runs" | median)
		r1=$(awk '{printf "%.1f\n", $3/1024}' "$tmp/runs" | median); r2=$(awk '{printf "%.1f\n", $4/1024}' "$tmp/runs" | median)
		f=$(awk '$5 != "-" {print $5}' "$tmp/runs" | median)
		printf '%-8s %-6s %10s ms %10s ms %13s ms %14s %14s\n' "$variant" "$cds" "$w" "$s" "$f" "$r1" "$r2"
		res[$variant-$cds]="$w $s $r1 $r2"
	done
done
echo
echo "medians of $RUNS runs; java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
read -r aw as ar al <<< "${res[all-on]}"; read -r dw ds dr dl <<< "${res[daemon-on]}"
echo "all front-ends with AppCDS: ready ${aw} ms (wall), RSS ${al} MB loaded; the front-ends add $(( aw - dw )) ms over the bare daemon"
