#!/bin/bash
# Why suppression by dropping does not hold a game's latency in this lab, and what would:
# one download saturates a 10 Mbit/s ISP link (tbf, 50 ms queue) towards a router; a LAN host
# behind the router pings the server (the "game") every 20 ms. Side by side in one run:
#   none   nothing done: the ISP's queue fills
#   drop   what suppression does on its defaults: the download over 1 Mbit/s per connection is
#          "over the limit", and 1 of 5 of its packets over it are dropped (nft, the seed's 20 %)
#   shapeN an htb on the router's LAN side at N % of the link, the pings in a class of their own
#          (nft sets their skb priority): the queue moves from the ISP to the router, where the
#          pings skip it
# Usage (as root): docs/benchmarks/latency/shaping-experiment.sh [seconds per case, default 14]
# Needs ip, tc, nft, iperf3, ping. Namespaces st<pid>{srv,rtr,lan}, removed on exit.
set -u
SECS=${1:-14}
case "$SECS" in ''|*[!0-9]*) echo "seconds: a number" >&2; exit 2 ;; esac
[ "$SECS" -ge 6 ] && [ "$SECS" -le 120 ] || { echo "seconds: 6..120" >&2; exit 2; }
P=st$$
PIDFILE=/tmp/$P-iperf3.pid
# the server daemonizes (-D) and would outlive its namespace: killed by its pid file
cleanup() {
	[ -s "$PIDFILE" ] && kill "$(cat "$PIDFILE")" 2>/dev/null
	rm -f "$PIDFILE"
	for n in srv rtr lan; do ip netns del $P$n 2>/dev/null; done
}
trap cleanup EXIT INT TERM

lab() {
	cleanup
	for n in srv rtr lan; do ip netns add $P$n; ip netns exec $P$n ip link set lo up; done
	ip link add ${P}s type veth peer name ${P}r netns ${P}rtr
	ip link set ${P}s netns ${P}srv
	ip netns exec ${P}rtr ip link add ${P}l type veth peer name ${P}h netns ${P}lan
	ip netns exec ${P}srv ip addr add 198.18.50.1/24 dev ${P}s
	ip netns exec ${P}srv ip link set ${P}s up
	ip netns exec ${P}rtr ip addr add 198.18.50.2/24 dev ${P}r
	ip netns exec ${P}rtr ip link set ${P}r up
	ip netns exec ${P}rtr ip addr add 100.64.50.1/24 dev ${P}l
	ip netns exec ${P}rtr ip link set ${P}l up
	ip netns exec ${P}lan ip addr add 100.64.50.2/24 dev ${P}h
	ip netns exec ${P}lan ip link set ${P}h up
	ip netns exec ${P}lan ip route add default via 100.64.50.1
	ip netns exec ${P}srv ip route add 100.64.50.0/24 via 198.18.50.2
	ip netns exec ${P}rtr sysctl -qw net.ipv4.ip_forward=1
	# the ISP's downlink
	ip netns exec ${P}srv tc qdisc add dev ${P}s root tbf rate 10mbit burst 4000 latency 50ms
	ip netns exec ${P}srv iperf3 -s -D -1 -B 198.18.50.1 -I "$PIDFILE" >/dev/null 2>&1
	sleep 0.5
}

run() {
	local name=$1 kbit=${2:-0}
	lab
	case "$name" in
	drop)
		printf 'table inet exp {\n set conn {\n  type ipv4_addr . ipv4_addr . inet_service . inet_service\n  size 1024\n  flags dynamic,timeout\n  timeout 30s\n }\n chain held {\n  type filter hook forward priority mangle\n  iifname "%s" meta l4proto tcp update @conn { ip saddr . ip daddr . th sport . th dport limit rate over 125 kbytes/second burst 12500 bytes } jump excess\n }\n chain excess {\n  numgen inc mod 5 < 1 drop\n }\n}\n' "${P}r" \
			| ip netns exec ${P}rtr nft -f - || { echo "drop: nft refused the rule" >&2; return 1; }
		;;
	shape)
		ip netns exec ${P}rtr tc qdisc add dev ${P}l root handle c0f: htb default 20
		ip netns exec ${P}rtr tc class add dev ${P}l parent c0f: classid c0f:1 htb rate ${kbit}kbit
		ip netns exec ${P}rtr tc class add dev ${P}l parent c0f:1 classid c0f:10 htb rate 1mbit ceil ${kbit}kbit prio 0
		ip netns exec ${P}rtr tc class add dev ${P}l parent c0f:1 classid c0f:20 htb rate ${kbit}kbit ceil ${kbit}kbit prio 1
		ip netns exec ${P}rtr tc qdisc add dev ${P}l parent c0f:20 pfifo limit 30
		printf 'table inet exp {\n chain post {\n  type filter hook postrouting priority mangle\n  oifname "%s" ip protocol icmp meta priority set c0f:10\n }\n}\n' "${P}l" \
			| ip netns exec ${P}rtr nft -f - || { echo "shape: nft refused the rule" >&2; return 1; }
		name="shape $((kbit / 100)) %"
		;;
	esac
	local out
	out=$(mktemp)
	ip netns exec ${P}lan iperf3 -c 198.18.50.1 -R -t "$SECS" -J >"$out" 2>/dev/null &
	local ip=$!
	sleep 3
	local n=$(( (SECS - 5) * 50 ))
	ip netns exec ${P}lan ping -n -i 0.02 -c "$n" -W 1 198.18.50.1 2>/dev/null \
		| awk -F'time=' '/time=/{split($2,a," "); print a[1]}' | sort -n \
		| awk -v name="$name" -v n="$n" '{v[NR]=$1} END{if (NR == 0) {printf "%-10s no answer\n", name; exit} printf "%-10s ping p50 %6.2f ms  p99 %6.2f ms  (%d of %d answered)", name, v[int(NR*0.5)+0], v[int(NR*0.99)+0], NR, n}'
	wait $ip
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("   download %.2f Mbit/s" % (j["end"]["sum_received"]["bits_per_second"]/1e6))' "$out" 2>/dev/null || echo "   download failed"
	rm -f "$out"
}

echo "10 Mbit/s ISP downlink (tbf, 50 ms queue), one TCP download, pings every 20 ms for $((SECS - 5)) s; $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r)"
run none
run drop
run shape 9000
run shape 8000
