#!/usr/bin/env bash
# SNMP agent benchmark: the agent's memory and the time of a full walk, side by side with net-snmp's
# own agent (snmpd) in the same network namespace, over SNMPv3 authPriv (SHA-256, AES-128) both.
#
# Usage: docs/benchmarks/snmp/run.sh [BONDS] [WALKS]     (default 32 bonds, 7 walks per figure)
#
# In one namespace (cwsb-PID, removed on exit) with 4 uplinks (veth pairs), the packaged daemon runs with
# its SNMP agent; BONDS bonds of two members each are created with snmpset createAndGo (real TUN
# interfaces). Then, medians of WALKS walks, each one a fresh net-snmp process (its start-up and USM
# discovery included, the same for both agents):
#   - IF-MIB ifTable and ifXTable, from coopwan and from snmpd (same interfaces: a like-for-like row
#     count), with snmpbulkwalk (GETBULK, -Cr25) and snmpwalk (GETNEXT);
#   - coopwan's whole tree (1.3.6.1: SNMPv2-MIB, IF-MIB, the SNMP framework MIBs and COOPWAN-MIB)
#     and COOPWAN-MIB alone; snmpd's whole tree for scale.
# Memory: the daemon's RSS with the agent after the walks, then the daemon restarted on the same
# file (the bonds were persisted there by the agent) with the agent off; the difference is what
# the agent costs. The Java heap held by SNMP4J and net.coopwan.snmp objects is read with
# `jcmd GC.class_histogram` (after a full GC). snmpd's RSS is printed beside them.
# Nothing is sent outside the namespace: both agents listen on its 127.0.0.1.
set -euo pipefail
source "$(cd "$(dirname "$0")/../../.." && pwd)/scripts/lib/common.sh"
BONDS="${1:-32}"
WALKS="${2:-7}"
UPLINKS=4
[ "$(id -u)" = 0 ] || { echo "snmp benchmark: needs root (network namespace, TUN devices)" >&2; exit 1; }
[[ "$BONDS" =~ ^[0-9]+$ && "$BONDS" -le 64 && "$WALKS" =~ ^[1-9][0-9]?$ ]] \
	|| { echo "usage: $0 [BONDS 0-64 (the daemon's limit)] [WALKS 1-99]" >&2; exit 2; }
cd "$ROOT"
bash scripts/setup.sh > /dev/null
if ! command -v snmpd > /dev/null; then
	# Only this benchmark needs net-snmp's agent. Debian starts the service it installs where there
	# is an init system; it was not running before, so it is stopped again (we run our own copy).
	echo "snmp benchmark: installing snmpd (the reference agent)"
	apt-get update -q > /dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends snmpd > /dev/null
	if command -v systemctl > /dev/null && systemctl is-active -q snmpd 2> /dev/null; then
		systemctl disable --now snmpd > /dev/null 2>&1 || true
	fi
fi
[ -f "$JAR" ] || bash scripts/build.sh
CDS_FILE="${JAR%.jar}.jsa"

NS="cwsb-$$"
PORT=1161      # coopwan's agent, inside the namespace
REF_PORT=1162  # snmpd, inside the namespace
MIB=1.3.6.1.4.1.8072.9999.9999.2
BOND_NEXT_INDEX=$MIB.1.3.1.0
BOND_NAME=$MIB.1.3.2.1.2
BOND_ROW_STATUS=$MIB.1.3.2.1.6
MEMBER_ROW_STATUS=$MIB.1.3.3.1.3
UPLINK_NAME=$MIB.1.1.1.1.2
IF_TABLE=1.3.6.1.2.1.2.2
IF_X_TABLE=1.3.6.1.2.1.31.1.1

tmp=$(mktemp -d)
daemon_pid=""
snmpd_pid=""
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2> /dev/null && wait "$daemon_pid" 2> /dev/null
	[ -n "$snmpd_pid" ] && kill "$snmpd_pid" 2> /dev/null && wait "$snmpd_pid" 2> /dev/null
	# Anything still in the namespace (a daemon whose launch failed half way) goes with it.
	ip netns pids "$NS" 2> /dev/null | xargs -r kill -9 2> /dev/null || true
	ip netns del "$NS" 2> /dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Anonymous pages only: RSS also counts file pages (libjvm.so, the jar, the AppCDS archive) that the
# kernel can drop and read again.
anon_kb() { awk '/^RssAnon/ {print $2}' "/proc/$1/status"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
in_ns() { ip netns exec "$NS" "$@"; }
# net-snmp's tools, isolated from the machine's snmp.conf and MIB files, numeric output.
V3=(-v3 -l authPriv -u coopwan -a SHA-256 -A coopwan-auth -x AES -X coopwan-priv -m "" -On -t 5 -r 1)
snmp() { local tool="$1" port="$2"; shift 2; SNMPCONFPATH="$tmp/none" in_ns "$tool" "${V3[@]}" "127.0.0.1:$port" "$@"; }

mkdir -p "$tmp/none"
RESULTS="$ROOT/docs/benchmarks/snmp/results-$(date -u +%F).md"
[ "$BONDS $WALKS" = "32 7" ] || RESULTS="${RESULTS%.md}-$BONDS-bonds-$WALKS-walks.md"
report="$tmp/report"  # what is printed, kept for the results file

ip netns add "$NS"
in_ns ip link set lo up
for i in $(seq 1 "$UPLINKS"); do
	in_ns ip link add "cwsu$i" type veth peer name "cwsp$i"
	in_ns ip addr add "100.64.77.$((i * 4 + 1))/30" dev "cwsu$i"
	in_ns ip link set "cwsu$i" up
	in_ns ip link set "cwsp$i" up
done

# write_daemon_config SNMP_ON: uplinks u1..uN; the agent on the namespace's loopback; no web UI.
cfg="$tmp/coopwan"
{
	printf "config global 'global'\n\toption control_socket '%s'\n\n" "$tmp/ctl.sock"
	for i in $(seq 1 "$UPLINKS"); do
		printf "config uplink 'u%s'\n\toption device 'cwsu%s'\n\toption down_kbps '%s'\n\toption up_kbps '%s'\n\n" \
			"$i" "$i" $((i * 8000)) $((i * 2000))
	done
	printf "config snmp 'snmp'\n\toption enabled '1'\n\toption listen '127.0.0.1'\n\toption port '%s'\n" "$PORT"
	printf "\toption v3_user 'coopwan'\n\toption v3_auth_pass 'coopwan-auth'\n\toption v3_priv_pass 'coopwan-priv'\n"
} > "$cfg"

start_daemon() {
	rm -f "$tmp/log"
	# Not through in_ns: a function run with & is a subshell, and $! must be the JVM's pid.
	ip netns exec "$NS" env COOPWAN_JAR="$JAR" COOPWAN_CDS="$CDS_FILE" "$LAUNCHER" run --config "$cfg" --state "$tmp/state" > "$tmp/log" 2>&1 &
	daemon_pid=$!
	wait_for_line "$tmp/log" "coopwan ready" 60 || { cat "$tmp/log" >&2; exit 1; }
}
stop_daemon() {
	kill -TERM "$daemon_pid"; wait "$daemon_pid" || true; daemon_pid=""
}
# heap_kb PID PATTERN: KiB of live heap in instances of classes whose names match PATTERN.
heap_kb() {
	jcmd "$1" GC.class_histogram > "$tmp/histo" || { echo "snmp benchmark: jcmd failed" >&2; exit 1; }
	awk -v p="$2" '$4 ~ p {b += $3} END {printf "%d\n", b / 1024}' "$tmp/histo"
}

start_daemon
t_start=$(now_ms)
# uplinkIndex by uplink name, as the agent numbered them.
declare -A up_index
while read -r oid _ val; do
	up_index[${val//\"/}]=${oid##*.}
done < <(snmp snmpwalk "$PORT" "$UPLINK_NAME" | sed 's/ = STRING: / = /')
[ "${#up_index[@]}" = "$UPLINKS" ] || { echo "snmp benchmark: uplinkTable has ${#up_index[@]} rows, expected $UPLINKS" >&2; exit 1; }

# Bonds: each a createAndGo of the bond and two member rows in one request (all or nothing).
: > "$tmp/create"
for b in $(seq 1 "$BONDS"); do
	a="u$(( (b - 1) % UPLINKS + 1 ))"; c="u$(( b % UPLINKS + 1 ))"
	t0=$(now_ms)
	idx=$(snmp snmpget "$PORT" -Oqv "$BOND_NEXT_INDEX")
	snmp snmpset "$PORT" "$BOND_ROW_STATUS.$idx" i 4 "$BOND_NAME.$idx" s "cwsb$b" \
		"$MEMBER_ROW_STATUS.$idx.${up_index[$a]}" i 4 "$MEMBER_ROW_STATUS.$idx.${up_index[$c]}" i 4 > /dev/null
	echo $(( $(now_ms) - t0 )) >> "$tmp/create"
done
made=$(in_ns ip -o link show | grep -c ': cwsb[0-9]*:' || true)
[ "$made" = "$BONDS" ] || { echo "snmp benchmark: ip link shows $made bonds, expected $BONDS" >&2; exit 1; }

# The reference agent: snmpd with the same USM user, everything else as Debian ships it.
mkdir -p "$tmp/snmpd"
cat > "$tmp/snmpd.conf" << EOF
agentaddress udp:127.0.0.1:$REF_PORT
createUser coopwan SHA-256 coopwan-auth AES coopwan-priv
rouser coopwan priv
EOF
SNMP_PERSISTENT_DIR="$tmp/snmpd" MIBS="" ip netns exec "$NS" snmpd -f -C -c "$tmp/snmpd.conf" -Lf "$tmp/snmpd.log" \
	-p "$tmp/snmpd.pid" > /dev/null 2>&1 &
snmpd_pid=$!
for _ in $(seq 1 100); do
	snmp snmpget "$REF_PORT" 1.3.6.1.2.1.1.3.0 > /dev/null 2>&1 && break
	sleep 0.1
done
snmp snmpget "$REF_PORT" 1.3.6.1.2.1.1.3.0 > /dev/null || { cat "$tmp/snmpd.log" >&2; exit 1; }

# walk_stats TOOL PORT OID [ARGS]: "median_ms varbinds" over WALKS walks.
walk_stats() {
	local tool="$1" port="$2" oid="$3" t0 n=0
	shift 3
	: > "$tmp/walks"
	for _ in $(seq 1 "$WALKS"); do
		t0=$(now_ms)
		snmp "$tool" "$port" "$@" "$oid" > "$tmp/walk.out"
		echo $(( $(now_ms) - t0 )) >> "$tmp/walks"
	done
	n=$(grep -c '^\.' "$tmp/walk.out" || true)
	echo "$(median < "$tmp/walks") $n"
}

# Unmeasured full walks of each agent first, GETBULK and GETNEXT: the router JVM compiles with C1
# only, and the first walks of a fresh daemon are 2-3 times slower (its steady state is measured).
for _ in 1 2 3; do
	for port in "$PORT" "$REF_PORT"; do
		snmp snmpbulkwalk "$port" -Cr25 1.3.6.1 > /dev/null
		snmp snmpwalk "$port" 1.3.6.1 > /dev/null
	done
done

printf '%-34s %-8s %10s %10s %12s\n' "walk (SNMPv3 authPriv)" agent "median" varbinds "per varbind" | tee "$report"
declare -A res
row() {
	local label="$1" agent="$2" port="$3" tool="$4" oid="$5"; shift 5
	read -r ms n <<< "$(walk_stats "$tool" "$port" "$oid" "$@")"
	res["$label/$agent"]="$ms $n"
	printf '%-34s %-8s %7s ms %10s %9s µs\n' "$label" "$agent" "$ms" "$n" \
		"$(awk -v m="$ms" -v n="$n" 'BEGIN {printf "%.0f", n ? m * 1000 / n : 0}')" | tee -a "$report"
}
for agent in coopwan snmpd; do
	port=$PORT; [ "$agent" = snmpd ] && port=$REF_PORT
	row "ifTable+ifXTable bulk: ifTable" "$agent" "$port" snmpbulkwalk "$IF_TABLE" -Cr25
	row "ifTable+ifXTable bulk: ifXTable" "$agent" "$port" snmpbulkwalk "$IF_X_TABLE" -Cr25
	row "ifTable getnext" "$agent" "$port" snmpwalk "$IF_TABLE"
	row "full tree bulk (1.3.6.1)" "$agent" "$port" snmpbulkwalk 1.3.6.1 -Cr25
done
row "full tree getnext (1.3.6.1)" coopwan "$PORT" snmpwalk 1.3.6.1
row "COOPWAN-MIB bulk" coopwan "$PORT" snmpbulkwalk "$MIB" -Cr25
row "COOPWAN-MIB getnext" coopwan "$PORT" snmpwalk "$MIB"

rss_on=$(rss_kb "$daemon_pid")
heap_snmp=$(heap_kb "$daemon_pid" '^(org\.snmp4j\.|net\.coopwan\.snmp\.)')
heap_all=$(heap_kb "$daemon_pid" '.')
rss_on_gc=$(rss_kb "$daemon_pid")
anon_on=$(anon_kb "$daemon_pid")
ref_rss=$(rss_kb "$snmpd_pid")
stop_daemon
persisted=$(grep -c "^config bond " "$cfg" || true)

# The same daemon and file without the agent: what the agent costs is the difference.
sed -i "/^config snmp/,/^$/ s/option enabled '1'/option enabled '0'/" "$cfg"
start_daemon
back=$(in_ns ip -o link show | grep -c ': cwsb[0-9]*:' || true)
sleep 2
rss_off=$(rss_kb "$daemon_pid")
heap_off=$(heap_kb "$daemon_pid" '.')
rss_off_gc=$(rss_kb "$daemon_pid")
anon_off=$(anon_kb "$daemon_pid")
stop_daemon

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b ? a / b : 0}'; }
{
echo
echo "bonds: $BONDS created by snmpset createAndGo (bond + 2 members per request), median $(median < "$tmp/create") ms each"
echo "       (a net-snmp process, USM discovery and the kernel's TUN set-up included); $persisted in the file,"
echo "       $back back in 'ip link' after the restart"
read -r cm cn <<< "${res[ifTable+ifXTable bulk: ifTable/coopwan]}"; read -r sm sn <<< "${res[ifTable+ifXTable bulk: ifTable/snmpd]}"
read -r cxm _ <<< "${res[ifTable+ifXTable bulk: ifXTable/coopwan]}"; read -r sxm _ <<< "${res[ifTable+ifXTable bulk: ifXTable/snmpd]}"
read -r cgm _ <<< "${res[ifTable getnext/coopwan]}"; read -r sgm _ <<< "${res[ifTable getnext/snmpd]}"
echo "walk time coopwan/snmpd: ifTable bulk $(ratio "$cm" "$sm"), ifXTable bulk $(ratio "$cxm" "$sxm"), ifTable getnext $(ratio "$cgm" "$sgm")"
read -r fm fn <<< "${res[full tree bulk (1.3.6.1)/coopwan]}"; read -r gm gn <<< "${res[full tree getnext (1.3.6.1)/coopwan]}"
echo "full walk of coopwan's agent: $fn varbinds in $fm ms (GETBULK), $gn in $gm ms (GETNEXT)"
printf 'memory: daemon with agent %.1f MB RSS (%.1f MB after a full GC), without %.1f MB (%.1f MB after GC):\n' \
	"$(ratio "$rss_on" 1024)" "$(ratio "$rss_on_gc" 1024)" "$(ratio "$rss_off" 1024)" "$(ratio "$rss_off_gc" 1024)"
printf '        the agent adds %.1f MB RSS after GC, %.1f MB of anonymous memory (RssAnon %.1f vs %.1f MB);\n' \
	"$(ratio $(( rss_on_gc - rss_off_gc )) 1024)" "$(ratio $(( anon_on - anon_off )) 1024)" "$(ratio "$anon_on" 1024)" "$(ratio "$anon_off" 1024)"
printf '        live heap %d KiB with the agent, %d KiB without,\n' "$heap_all" "$heap_off"
printf '        %d KiB of it in SNMP4J and net.coopwan.snmp objects; snmpd: %.1f MB RSS\n' "$heap_snmp" "$(ratio "$ref_rss" 1024)"
echo "$UPLINKS uplinks, $BONDS bonds, $WALKS walks per figure; java $(java -version 2>&1 | head -1 | cut -d'"' -f2), $(snmpd -v | awk '/version/ {print "net-snmp " $3}'), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ); took $(( ($(now_ms) - t_start) / 1000 )) s"
} | tee -a "$report"
{
	printf '# SNMP agent benchmark\n\nCommand: `docs/benchmarks/snmp/run.sh %s %s`\n\n```\n' "$BONDS" "$WALKS"
	cat "$report"
	printf '```\n'
} > "$RESULTS"
echo "written to ${RESULTS#"$ROOT"/}"
