#!/usr/bin/env bash
# Emergency failover benchmark of issue 15: failover and return times from the receiver's packet
# timestamps (mode direct and mode concentrator, black-hole and link down), TCP sessions across a
# failover and a return, zero false emergencies under 10 % random loss, the helper's quota over
# every sliding window (and the helper's own traffic beside it), and kill -9 of either daemon
# during an emergency; all measured in one run in network namespaces (NeighbourLab, cwf<hex>-*).
#
# Usage (as root): docs/benchmarks/failover/run.sh [--quick] [--reps N] [--soak-minutes M] [--no-build] [--only parts] [--uplink SPEC]
#   --quick           2 repetitions per failover figure and a 1 min soak (~7 min) instead of 5 and 10 min (~20 min)
#   --reps N          repetitions per failover figure (default 5, quick 2)
#   --soak-minutes M  minutes of 10 % loss on a's healthy uplink (default 10, quick 1)
#   --no-build        use the jar and classes already built
#   --only            a subset of failover,tcp,soak,quota,kill; RESULTS.md is then left alone
#   --uplink SPEC     a's ISP link as a real line in every part, e.g. 'delay=15;jitter=5;ge=0.5,30,100'
#                     (ms each way; Gilbert-Elliott p,r,loss-in-bad in %; see ImpairedUplink); results go to
#                     results-<date>-line.md and RESULTS.md's "on an impaired line" section
#   --soak-loss PCT   the soak's random loss each way, on top of --uplink's line (default 10)
# Writes docs/benchmarks/failover/results-<date>[-quick].md and the "Emergency failover" section of
# docs/benchmarks/RESULTS.md. See docs/benchmarks/failover/README.md for what each figure means.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
QUICK=""; BUILD=1; ONLY=""; REPS=""; SOAK=""; UPLINK=""; SOAKLOSS=""
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) QUICK="--quick" ;;
		--no-build) BUILD=0 ;;
		--reps) REPS="$2"; shift ;;
		--soak-minutes) SOAK="$2"; shift ;;
		--only) ONLY="$2"; shift ;;
		--uplink) UPLINK="$2"; shift ;;
		--soak-loss) SOAKLOSS="$2"; shift ;;
		*) echo "usage: $0 [--quick] [--reps N] [--soak-minutes M] [--no-build] [--only failover,tcp,soak,quota,kill] [--uplink SPEC] [--soak-loss PCT]" >&2; exit 2 ;;
	esac
	shift
done
[[ -z "$REPS" || "$REPS" =~ ^[1-9][0-9]?$ ]] || { echo "--reps: 1-99" >&2; exit 2; }
[[ -z "$SOAK" || "$SOAK" =~ ^[0-9]{1,3}$ ]] || { echo "--soak-minutes: 0-240" >&2; exit 2; }
[[ -z "$SOAKLOSS" || "$SOAKLOSS" =~ ^[0-9]{1,2}$ ]] || { echo "--soak-loss: 0-50" >&2; exit 2; }
. docs/benchmarks/lab-bench.sh
bench_prepare FailoverBenchmark ip nft tc iperf3 python3

date=$(date -u +%Y-%m-%d)
suffix=${UPLINK:+-line}${QUICK:+-quick}${ONLY:+-partial}
out="docs/benchmarks/failover/results-$date$suffix.md"
work=$(mktemp -d /tmp/coopwan-failoverbench.XXXXXX)
cmd="docs/benchmarks/failover/run.sh${QUICK:+ --quick}${REPS:+ --reps $REPS}${SOAK:+ --soak-minutes $SOAK}${ONLY:+ --only $ONLY}${UPLINK:+ --uplink '$UPLINK'}${SOAKLOSS:+ --soak-loss $SOAKLOSS}"
args=(--work "$work" --out "$out" --command "$cmd" $QUICK)
[ -n "$REPS" ] && args+=(--reps "$REPS")
[ -n "$SOAK" ] && args+=(--soak-minutes "$SOAK")
[ -n "$UPLINK" ] && args+=(--uplink "$UPLINK")
[ -n "$SOAKLOSS" ] && args+=(--soak-loss "$SOAKLOSS")
if [ -n "$ONLY" ]; then
	args+=(--only "$ONLY")
else
	args+=(--results-md docs/benchmarks/RESULTS.md)
fi
# the run's own length plus the soak, bounded: SIGTERM on overrun, the shutdown hook deletes the namespaces
soak_min=${SOAK:-$([ -n "$QUICK" ] && echo 1 || echo 10)}
limit=$(( $([ -n "$QUICK" ] && echo 20 || echo 45) + soak_min + ${REPS:-0} * 2 ))m
echo "logs in $work"
bench_java "$limit" FailoverBenchmark -Dfailover.tssink="$ROOT/docs/benchmarks/failover/ts_sink.py" -- "${args[@]}"
