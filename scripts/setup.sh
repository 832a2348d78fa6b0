#!/usr/bin/env bash
# Installs what coopwan's build, tests and lab need on a fresh Debian machine.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have nft        || need+=(nftables)
have iperf3     || need+=(iperf3)
have snmpget    || need+=(snmp)
have snmptrapd  || need+=(snmptrapd)
have smilint    || need+=(smitools)
compgen -G '/usr/lib/erlang/lib/snmp-*/mibs/SNMPv2-SMI.mib' >/dev/null || need+=(erlang-snmp)  # SNMPv2-SMI/-TC/-CONF for docs/COOPWAN-MIB.txt
have chromium   || need+=(chromium)
have chromedriver || need+=(chromium-driver)
have ip         || need+=(iproute2)
have curl       || need+=(curl)
have ping       || need+=(iputils-ping)   # the lab module pings across its namespaces
have python3    || need+=(python3)        # the emergency netns tests' UDP blaster and sinks; the failover benchmark's sink
have tc         || need+=(iproute2)
have wireguard-go || need+=(wireguard-go) # docs/benchmarks/bonding: the userspace tunnel we compare with
have wg         || need+=(wireguard-tools)
have node       || need+=(nodejs)
have unzip      || need+=(unzip)
have mvn        || need+=(maven)
have javac      || need+=(openjdk-17-jdk-headless)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need[*]}; run as root (apt-get) or install them yourself" >&2
    exit 1
  fi
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}"
fi
# snmp tools read MIBs from /usr/share/snmp/mibs; Debian ships only a stub set without snmp-mibs-downloader,
# so our tests always pass -m/-M explicitly and never depend on that.
echo "setup: ok"
