#!/usr/bin/env bash
# Latency-critical traffic benchmark of issue 17: a game flow (UDP, 50 packets/s, 100-byte
# datagrams, echoed) from a's LAN with duplication on (UDP 5005, LC) and off (UDP 6005, never LC)
# side by side, idle, while a bulk TCP download saturates a's line, and with loss on both lines;
# p50/p99 round trip, loss up and round trip, ratios on/off, the game's loss against the product of
# both lines' losses. Two packaged daemons and a concentrator in network namespaces (NeighbourLab,
# lp<hex>-*), a duplication-only agreement (the path through the neighbour for duplication alone).
#
# Usage (as root): docs/benchmarks/latency/run.sh [--quick] [--rate-a MBIT] [--loss A,B] [--uplink SPEC] [--no-build]
#   --quick           500 game packets per flow and phase (~2 min) instead of 1500 (~4 min)
#   --rate-a MBIT     a's ISP link rate, tbf both ways (default 10)
#   --loss A,B        random loss in % on a's and b's ISP links in the loss phase (default 10,10)
#   --uplink SPEC     a's ISP link as a real line, e.g. 'delay=15;jitter=5;ge=0.5,30,100' (ImpairedUplink);
#                     results go to results-<date>-line*.md and RESULTS.md's "on an impaired line" section
#   --no-build        use the jar and classes already built
# Writes docs/benchmarks/latency/results-<date>[-line][-quick].md and the "Latency-critical traffic"
# section of docs/benchmarks/RESULTS.md. See docs/benchmarks/latency/README.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
QUICK=""; BUILD=1; RATEA=""; LOSS=""; UPLINK=""
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) QUICK="--quick" ;;
		--no-build) BUILD=0 ;;
		--rate-a) RATEA="$2"; shift ;;
		--loss) LOSS="$2"; shift ;;
		--uplink) UPLINK="$2"; shift ;;
		*) echo "usage: $0 [--quick] [--rate-a MBIT] [--loss A,B] [--uplink SPEC] [--no-build]" >&2; exit 2 ;;
	esac
	shift
done
[[ -z "$RATEA" || "$RATEA" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "--rate-a: 1-999 Mbit/s" >&2; exit 2; }
[[ -z "$LOSS" || "$LOSS" =~ ^[0-9]{1,2},[0-9]{1,2}$ ]] || { echo "--loss: A,B in %, e.g. 10,10" >&2; exit 2; }
. docs/benchmarks/lab-bench.sh
bench_prepare LatencyBenchmark ip nft tc iperf3 python3

date=$(date -u +%Y-%m-%d)
suffix=${UPLINK:+-line}${QUICK:+-quick}
out="docs/benchmarks/latency/results-$date$suffix.md"
work=$(mktemp -d /tmp/coopwan-latencybench.XXXXXX)
cmd="docs/benchmarks/latency/run.sh${QUICK:+ --quick}${RATEA:+ --rate-a $RATEA}${LOSS:+ --loss $LOSS}${UPLINK:+ --uplink '$UPLINK'}"
args=(--work "$work" --out "$out" --command "$cmd" --results-md docs/benchmarks/RESULTS.md $QUICK)
[ -n "$RATEA" ] && args+=(--rate-a "$RATEA")
[ -n "$LOSS" ] && args+=(--loss "$LOSS")
[ -n "$UPLINK" ] && args+=(--uplink "$UPLINK")
echo "logs in $work"
bench_java "$([ -n "$QUICK" ] && echo 5 || echo 9)m" LatencyBenchmark -- "${args[@]}"
