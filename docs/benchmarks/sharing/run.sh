#!/usr/bin/env bash
# Bandwidth-sharing benchmark of issue 16: a neighbour's spare capacity used by new sessions and
# handed back to its owner within one window, measured side by side in one run: the LAN's goodput
# with sharing off and on and the part through the sharer, sessions keeping their path, the sharer's
# own download while the borrower borrows (time to 90 %, the offer's withdrawal, the last moved
# session) and every window of what the sharer lent against its quota; two packaged daemons in
# network namespaces (NeighbourLab, hb<hex>-*), one lab per estimate window T.
#
# Usage (as root): docs/benchmarks/sharing/run.sh [--quick] [--reps N] [--windows 1,10] [--rate-a MBIT] [--rate-b MBIT] [--uplink SPEC] [--no-build]
#   --quick           1 repetition per figure, shorter loads (~4 min) instead of 3 (~9 min)
#   --reps N          repetitions per figure (default 3, quick 1)
#   --windows LIST    the estimate windows T in s, one lab each (default 1,10)
#   --rate-a/-b MBIT  a's (borrower) and b's (sharer) ISP link rate, tbf both ways (default 5 and 20, the issue's lab)
#   --uplink SPEC     a's ISP link as a real line, e.g. 'delay=15;jitter=5;ge=0.5,30,100' (ImpairedUplink,
#                     as in docs/benchmarks/failover); results go to results-<date>-line*.md and
#                     RESULTS.md's "on an impaired line" section
#   --no-build        use the jar and classes already built
# Writes docs/benchmarks/sharing/results-<date>[-line][-quick].md and the "Bandwidth sharing" section of
# docs/benchmarks/RESULTS.md. See docs/benchmarks/sharing/README.md for what each figure means.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
QUICK=""; BUILD=1; REPS=""; WINDOWS=""; RATEA=""; RATEB=""; UPLINK=""
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) QUICK="--quick" ;;
		--no-build) BUILD=0 ;;
		--reps) REPS="$2"; shift ;;
		--windows) WINDOWS="$2"; shift ;;
		--rate-a) RATEA="$2"; shift ;;
		--rate-b) RATEB="$2"; shift ;;
		--uplink) UPLINK="$2"; shift ;;
		*) echo "usage: $0 [--quick] [--reps N] [--windows 1,10] [--rate-a MBIT] [--rate-b MBIT] [--uplink SPEC] [--no-build]" >&2; exit 2 ;;
	esac
	shift
done
[[ -z "$REPS" || "$REPS" =~ ^[1-9][0-9]?$ ]] || { echo "--reps: 1-99" >&2; exit 2; }
[[ -z "$WINDOWS" || "$WINDOWS" =~ ^[1-9][0-9]?(,[1-9][0-9]?)*$ ]] || { echo "--windows: e.g. 1,10" >&2; exit 2; }
[[ -z "$RATEA" || "$RATEA" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "--rate-a: 1-999 Mbit/s" >&2; exit 2; }
[[ -z "$RATEB" || "$RATEB" =~ ^[1-9][0-9]{0,2}$ ]] || { echo "--rate-b: 1-999 Mbit/s" >&2; exit 2; }
. docs/benchmarks/lab-bench.sh
bench_prepare SharingBenchmark ip nft tc iperf3 python3

date=$(date -u +%Y-%m-%d)
suffix=${UPLINK:+-line}${QUICK:+-quick}
out="docs/benchmarks/sharing/results-$date$suffix.md"
work=$(mktemp -d /tmp/coopwan-sharingbench.XXXXXX)
cmd="docs/benchmarks/sharing/run.sh${QUICK:+ --quick}${REPS:+ --reps $REPS}${WINDOWS:+ --windows $WINDOWS}${RATEA:+ --rate-a $RATEA}${RATEB:+ --rate-b $RATEB}${UPLINK:+ --uplink '$UPLINK'}"
args=(--work "$work" --out "$out" --command "$cmd" --results-md docs/benchmarks/RESULTS.md $QUICK)
[ -n "$REPS" ] && args+=(--reps "$REPS")
[ -n "$WINDOWS" ] && args+=(--windows "$WINDOWS")
[ -n "$RATEA" ] && args+=(--rate-a "$RATEA")
[ -n "$RATEB" ] && args+=(--rate-b "$RATEB")
[ -n "$UPLINK" ] && args+=(--uplink "$UPLINK")
# per lab about 3 min (quick 1.5) plus 1 min per further repetition, bounded
labs=$(echo "${WINDOWS:-1,10}" | tr ',' '\n' | wc -l)
limit=$(( labs * ($([ -n "$QUICK" ] && echo 4 || echo 8) + ${REPS:-0} * 2) + 5 ))m
echo "logs in $work"
bench_java "$limit" SharingBenchmark -Dsharing.traffic="$ROOT/docs/benchmarks/sharing/traffic.py" -- "${args[@]}"
