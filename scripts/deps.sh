#!/usr/bin/env bash
# Installs the Debian packages Vigil's build, demo and tests need, skipping
# those already present. Runs apt-get only when something is missing.
set -euo pipefail

pkgs=(
  pkg-config          # cgo flags for libhs and libpcre2-8
  libhyperscan-dev    # Hyperscan: the multi-pattern prefilter (gohs links it)
  libpcre2-dev        # PCRE2: full pcre evaluation
  libpcap-dev         # tcpdump-syntax capture filters (-f) compiled to BPF
  tshark              # independent dissector for field-agreement tests
  iproute2            # ip netns / veth for live-capture tests
  nftables            # verdict hooks: nft checks the inet vigil table in tests
  conntrack           # verdict shaping tests: conntrack -L -m MARK in the router namespace
  procps              # sysctl: IP forwarding in the verdict end-to-end router namespace
  time                # /usr/bin/time -v for benchmarks
  redis-server        # output tests: the redis eve-log sink against a real server on a unix socket
  tcpreplay           # make bench's live rows: the bench capture sent through a veth pair
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# libhyperscan-dev does not exist on every architecture; vectorscan is API-compatible.
if [[ " ${missing[*]} " == *" libhyperscan-dev "* ]] && dpkg-query -W -f='${Status}' libvectorscan-dev 2>/dev/null | grep -q "install ok installed"; then
  missing=("${missing[@]/libhyperscan-dev}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all present"
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "deps: missing ${missing[*]}; run as root or install them with apt-get" >&2; exit 1
  fi
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
${SUDO:-} apt-get update -qq
if ! ${SUDO:-} apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  # Fall back to vectorscan where hyperscan is not packaged (e.g. arm64).
  alt=("${missing[@]/libhyperscan-dev/libvectorscan-dev}")
  ${SUDO:-} apt-get install -y -qq --no-install-recommends "${alt[@]}" >/dev/null
fi
echo "deps: done"
