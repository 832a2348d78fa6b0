# Shared helpers for coopwan's scripts. Source it; do not run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/package/target/coopwan.jar"
LAUNCHER="$ROOT/package/files/coopwan"

# A TCP or UDP port free on 127.0.0.1 now (bash's /dev/tcp has no bind, so ask the JDK-free way:
# pick random high ports until `ss` shows none in use).
free_port() {
	local proto="${1:-tcp}" p
	for _ in $(seq 1 50); do
		p=$(( 20000 + RANDOM % 40000 ))
		if [ "$proto" = udp ]; then
			ss -Hlun "sport = :$p" | grep -q . || { echo "$p"; return 0; }
		else
			ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return 0; }
		fi
	done
	return 1
}

# write_config OUT WEB_PORT SNMP_PORT SOCKET [WEB_ON SNMP_ON]: the shipped default config with
# other ports and socket; WEB_ON/SNMP_ON 0 turn a front-end off, an empty SOCKET turns the socket off.
write_config() {
	local out="$1" web="$2" snmp="$3" sock="$4" webon="${5:-1}" snmpon="${6:-1}"
	unzip -p "$JAR" net/coopwan/config/coopwan.default | awk -v web="$web" -v snmp="$snmp" -v sock="$sock" \
		-v webon="$webon" -v snmpon="$snmpon" '
		/^config / { sect = $2; gsub(/\047/, "", sect) }
		sect == "web"    && $1 == "option" && $2 == "port" { print "\toption port \047" web "\047"; next }
		sect == "snmp"   && $1 == "option" && $2 == "port" { print "\toption port \047" snmp "\047"; next }
		sect == "web"    && $1 == "option" && $2 == "enabled" { print "\toption enabled \047" webon "\047"; next }
		sect == "snmp"   && $1 == "option" && $2 == "enabled" { print "\toption enabled \047" snmpon "\047"; next }
		sect == "global" && $1 == "option" && $2 == "control_socket" { print "\toption control_socket \047" sock "\047"; next }
		{ print }' > "$out"
}

# wait_for_line FILE PATTERN SECONDS: wait until FILE has a line matching PATTERN.
wait_for_line() {
	local f="$1" pat="$2" secs="$3" i
	for i in $(seq 1 $(( secs * 20 ))); do
		grep -q -- "$pat" "$f" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# follow_lines FILE START END SECONDS [PID]: print FILE's complete lines from the first matching
# START (an extended regex) as they are written, until one matches END; 1 when SECONDS pass or
# PID exits first.
follow_lines() {
	local f="$1" start="$2" end="$3" secs="$4" pid="${5:-}" seen=0 total line started=0 i
	for i in $(seq 1 $(( secs * 5 ))); do
		total=$(wc -l < "$f" 2>/dev/null || echo 0)
		while [ "$seen" -lt "$total" ]; do
			seen=$(( seen + 1 ))
			line=$(sed -n "${seen}p" "$f")
			if [ "$started" = 0 ]; then
				[[ "$line" =~ $start ]] || continue
				started=1
			fi
			printf '%s\n' "$line"
			[[ "$line" =~ $end ]] && return 0
		done
		if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
			[ "$seen" -lt "$(wc -l < "$f")" ] && continue
			return 1
		fi
		sleep 0.2
	done
	return 1
}

# median: the median of the numbers on stdin, one per line ("-" when there are none).
median() { sort -n | awk '{a[NR]=$1} END {if (NR==0) print "-"; else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# rss_kb PID: the process's resident set (VmRSS), KiB.
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
