#!/usr/bin/env bash
# Bonding benchmark of issue #4: SLoPS accuracy, goodput of one link / static wrr / adaptive,
# outage recovery, convergence of adaptive weights, tunnel overhead, and unlimited throughput
# and CPU against wireguard-go, all measured in one run in network namespaces (lab/).
#
# Usage (as root): docs/benchmarks/bonding/run.sh [--quick] [--no-build] [--only s1,s2,...]
#   --quick     one run per figure (~6 min) instead of the median of 3 (~16 min)
#   --no-build  use the jar and classes already built
#   --only      a subset of scenarios s1..s6 (see README.md); RESULTS.md is then left alone
# Writes docs/benchmarks/bonding/results-<date>[-quick].md and the "Bonding" section of
# docs/benchmarks/RESULTS.md. See docs/benchmarks/bonding/README.md for what each figure means.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
QUICK=""; BUILD=1; ONLY=""
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) QUICK="--quick" ;;
		--no-build) BUILD=0 ;;
		--only) ONLY="$2"; shift ;;
		*) echo "usage: $0 [--quick] [--no-build] [--only s1,s2,...]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "the benchmark needs root (network namespaces)" >&2; exit 1; }
for tool in ip nft tc iperf3 wireguard-go wg; do
	command -v "$tool" > /dev/null || { echo "$tool is not installed" >&2; exit 1; }
done
if [ "$BUILD" = 1 ] || [ ! -f package/target/coopwan.jar ]; then
	echo "building (mvn -pl package -am package) ..."
	mvn -B -q -DskipTests -pl package -am package
fi

date=$(date -u +%Y-%m-%d)
suffix=${QUICK:+-quick}
out="docs/benchmarks/bonding/results-$date$suffix.md"
work=$(mktemp -d /tmp/coopwan-bondbench.XXXXXX)
cmd="docs/benchmarks/bonding/run.sh${QUICK:+ --quick}${ONLY:+ --only $ONLY}"
args=(--work "$work" --out "$out" --command "$cmd" $QUICK)
if [ -n "$ONLY" ]; then
	args+=(--only "$ONLY")
else
	args+=(--results-md docs/benchmarks/RESULTS.md)
fi
limit=$([ -n "$QUICK" ] && echo 15m || echo 45m)
echo "machine: $(nproc) cores, kernel $(uname -r), $(java -version 2>&1 | head -1); logs in $work"
# SIGTERM on overrun: the labs' shutdown hooks kill their processes and delete the namespaces
timeout --kill-after=30s "$limit" java -cp package/target/test-classes:lab/target/classes \
	-Dcoopwan.jar="$ROOT/package/target/coopwan.jar" -Dcoopwan.launcher="$ROOT/package/files/coopwan" \
	net.coopwan.lab.BondBenchmark "${args[@]}"
