#!/usr/bin/env bash
# Latency-critical traffic benchmark of issue 17: a game flow (UDP 5005, LC; 50 packets/s of 100
# bytes, stamped and echoed) from a's LAN while an iperf3 download and upload fill a's line, for four
# set-ups of a side by side in one run (no coopwan, duplication only, suppression only, both) and,
# per set-up, the conditions idle, saturated, saturated with 2 % and 5 % random loss and with bursty
# loss on each line, and both lines saturated: one-way p50/p99/max up and down, round trip, loss each
# way, bulk goodput, each line's loss, what b's line carried; the issue's floors as verdicts. Two
# packaged daemons and a concentrator in network namespaces (NeighbourLab, lp<hex>-*), a
# duplication-only agreement.
#
# Usage (as root): docs/benchmarks/latency/run.sh [--quick] [--rate-a MBIT] [--uplink SPEC] [--setups LIST] [--no-build]
#   --quick           500 game packets per cell (~9 min) instead of 1500 (~17 min)
#   --rate-a MBIT     a's ISP link rate, tbf both ways (default 10)
#   --uplink SPEC     a's ISP link also a real line, e.g. 'delay=15;jitter=5;ge=0.5,30,100' (ImpairedUplink);
#                     results go to results-<date>-line*.md and RESULTS.md's "on an impaired line" section
#   --setups LIST     only these set-ups, comma-separated of none,duplication,suppression,both (a diagnosis:
#                     its results go to results-<date>-setups*.md, RESULTS.md is left alone)
#   --no-build        use the jar and classes already built
# Writes docs/benchmarks/latency/results-<date>[-line][-quick].md and the "Latency-critical traffic"
# section of docs/benchmarks/RESULTS.md. See docs/benchmarks/latency/README.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
QUICK=""; BUILD=1; RATEA=""; UPLINK=""; SETUPS=""
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) QUICK="--quick" ;;
		--no-build) BUILD=0 ;;
		--rate-a) RATEA="$2"; shift ;;
		--uplink) UPLINK="$2"; shift ;;
		--setups) SETUPS="$2"; shift ;;
		*) echo "usage: $0 [--quick] [--rate-a MBIT] [--uplink SPEC] [--setups LIST] [--no-build]" >&2; exit 2 ;;
	esac
	shift
done
[[ -z "$RATEA" || "$RATEA" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "--rate-a: 1-999 Mbit/s" >&2; exit 2; }
[[ -z "$SETUPS" || "$SETUPS" =~ ^(none|duplication|suppression|both)(,(none|duplication|suppression|both))*$ ]] \
	|| { echo "--setups: a comma-separated list of none, duplication, suppression, both" >&2; exit 2; }
. docs/benchmarks/lab-bench.sh
bench_prepare LatencyBenchmark ip nft tc iperf3 python3

date=$(date -u +%Y-%m-%d)
suffix=${UPLINK:+-line}${SETUPS:+-setups}${QUICK:+-quick}
out="docs/benchmarks/latency/results-$date$suffix.md"
work=$(mktemp -d /tmp/coopwan-latencybench.XXXXXX)
cmd="docs/benchmarks/latency/run.sh${QUICK:+ --quick}${RATEA:+ --rate-a $RATEA}${UPLINK:+ --uplink '$UPLINK'}"
args=(--work "$work" --out "$out" --command "$cmd" $QUICK)
if [ -n "$SETUPS" ]; then
	cmd="$cmd --setups $SETUPS"
	args=(--work "$work" --out "$out" --command "$cmd" --setups "$SETUPS" $QUICK)
else
	args+=(--results-md docs/benchmarks/RESULTS.md)
fi
[ -n "$RATEA" ] && args+=(--rate-a "$RATEA")
[ -n "$UPLINK" ] && args+=(--uplink "$UPLINK")
echo "logs in $work"
bench_java "$([ -n "$QUICK" ] && echo 15 || echo 30)m" LatencyBenchmark -- "${args[@]}"
