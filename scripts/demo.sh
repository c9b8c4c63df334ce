#!/usr/bin/env bash
# The demo behind `make run`: replays rules/demo/demo.pcap with
# rules/demo/demo.rules and prints the alerts and where eve.json went.
set -euo pipefail
bin=${1:-bin/vigil}
out=${2:-/tmp/vigil-demo}
mkdir -p "$out"
echo "== vigil rules check rules/demo/demo.rules"
"$bin" rules check rules/demo/demo.rules
echo
echo "== vigil replay -r rules/demo/demo.pcap -S rules/demo/demo.rules -l $out"
if "$bin" replay -r rules/demo/demo.pcap -S rules/demo/demo.rules -l "$out" -k none; then
  echo
  echo "alerts (fast.log):"
  cat "$out/fast.log" 2>/dev/null || true
  echo
  echo "eve.json: $out/eve.json"
else
  echo "(replay is not available yet; Suricata 7's alerts for the same input are in rules/demo/suricata-fast.log)"
fi
