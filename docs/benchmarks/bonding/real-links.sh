#!/usr/bin/env bash
# Bonding on real links (issue 18): one TCP flow through a bond whose two links differ in rate
# (8+2, 20+5, 2+2 Mbit/s), one-way delay (equal 5 ms; 5 vs 30 +/- 5 ms; 5 vs 60 +/- 10 ms) and loss
# (none; 0.5 and 1 % random; Gilbert-Elliott bursts of 4 packets, 1 % mean), and in every scenario,
# in the same run: the best link alone and the other alone through the same tunnel, static wrr,
# adaptive, and adaptive with each real-link mechanism switched off (list disable), so each shows
# what it is worth. The lab's userspace relays make the links (lab/README.md).
#
# Usage (as root): docs/benchmarks/bonding/real-links.sh [--quick] [--runs N] [--only TEXT] [--no-build]
#   --quick     8+2 Mbit/s, equal and 5 vs 30 ms, no loss and random loss: 4 scenarios, ~20 min
#               (the full matrix, 27 scenarios x 8 variants, takes about 2 h per run)
#   --runs N    runs per figure (median), default 1
#   --only TEXT only the scenarios whose name contains TEXT, e.g. '8+2, 5 vs 30'
#   --no-build  use the jar and classes already built
# Writes docs/benchmarks/bonding/results-real-links-<date>[-quick].md. Not part of CI.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
QUICK=""; BUILD=1; ONLY=""; RUNS=1
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) QUICK="--quick" ;;
		--no-build) BUILD=0 ;;
		--only) ONLY="$2"; shift ;;
		--runs) RUNS="$2"; shift ;;
		*) echo "usage: $0 [--quick] [--runs N] [--only TEXT] [--no-build]" >&2; exit 2 ;;
	esac
	shift
done
[ "$(id -u)" = 0 ] || { echo "the benchmark needs root (network namespaces)" >&2; exit 1; }
bash scripts/setup.sh > /dev/null
for tool in ip nft tc iperf3; do
	command -v "$tool" > /dev/null || { echo "$tool is not installed" >&2; exit 1; }
done
if [ "$BUILD" = 1 ] || [ ! -f package/target/coopwan.jar ]; then
	echo "building (mvn -pl package -am package) ..."
	mvn -B -q -DskipTests -pl package -am package
fi
date=$(date -u +%Y-%m-%d)
out="docs/benchmarks/bonding/results-real-links-$date${QUICK:+-quick}${ONLY:+-only}.md"
work=$(mktemp -d /tmp/coopwan-reallinks.XXXXXX)
cmd="docs/benchmarks/bonding/real-links.sh${QUICK:+ --quick}${ONLY:+ --only '$ONLY'} --runs $RUNS"
limit=$([ -n "$QUICK" ] && echo 40m || echo 600m)
echo "machine: $(nproc) cores, kernel $(uname -r), $(java -version 2>&1 | head -1); logs in $work"
timeout --kill-after=30s "$limit" java -cp package/target/test-classes:lab/target/classes \
	-Dcoopwan.jar="$ROOT/package/target/coopwan.jar" -Dcoopwan.launcher="$ROOT/package/files/coopwan" \
	net.coopwan.lab.BondRealLinksBenchmark --work "$work" --out "$out" --command "$cmd" --runs "$RUNS" $QUICK \
	${ONLY:+--only "$ONLY"}
