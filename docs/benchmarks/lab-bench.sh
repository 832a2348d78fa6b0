# Sourced by the lab benchmarks' run.sh (failover, sharing): what every one of them does before and
# around its Java class in package/src/test/java/net/coopwan/lab. Expects ROOT (the repository) and
# BUILD (1: build first) to be set, and runs from ROOT.

# bench_prepare CLASS TOOL...: root, the packages scripts/setup.sh installs, the tools the part
# needs, then a build when asked for or when the jar or CLASS is missing.
bench_prepare() {
	local class=$1; shift
	[ "$(id -u)" = 0 ] || { echo "the benchmark needs root (network namespaces)" >&2; exit 1; }
	bash scripts/setup.sh   # installs what is missing (nftables, iperf3, python3, ...)
	for tool in "$@"; do
		command -v "$tool" > /dev/null || { echo "$tool is not installed" >&2; exit 1; }
	done
	if [ "$BUILD" = 1 ] || [ ! -f package/target/coopwan.jar ] || [ ! -f "package/target/test-classes/net/coopwan/lab/$class.class" ]; then
		echo "building (mvn -pl package -am package -DskipTests) ..."
		mvn -B -q -DskipTests -pl package -am package
	fi
}

# bench_java LIMIT CLASS JAVA_OPTION... -- ARG...: the class with the lab's classpath and the packaged
# daemon, bounded by LIMIT (SIGTERM on overrun: the class's shutdown hook deletes its namespaces).
bench_java() {
	local limit=$1 class=$2; shift 2
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	echo "machine: $(nproc) cores, kernel $(uname -r), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg); time limit $limit"
	timeout --kill-after=30s "$limit" java -cp package/target/test-classes:lab/target/classes:package/target/coopwan.jar \
		-Dcoopwan.jar="$ROOT/package/target/coopwan.jar" -Dcoopwan.launcher="$ROOT/package/files/coopwan" \
		"${opts[@]}" "net.coopwan.lab.$class" "$@"
}
