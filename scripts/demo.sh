#!/usr/bin/env bash
# The demo behind `make run`: checks the demo rules, replays
# rules/demo/demo.pcap with them and prints the alerts and where eve.json
# went. Suricata 7's alerts for the same input are in
# rules/demo/suricata-fast.log; the demo says whether Vigil agrees.
set -euo pipefail
bin=${1:-bin/vigil}
out=${2:-/tmp/vigil-demo}
mkdir -p "$out"
rm -f "$out/eve.json" "$out/fast.log" # EVE files are appended to, as Suricata's
echo "== $bin rules check rules/demo/demo.rules"
"$bin" rules check rules/demo/demo.rules | tail -n 1
echo
echo "== $bin replay -r rules/demo/demo.pcap -S rules/demo/demo.rules -l $out -k none --deterministic"
"$bin" replay -r rules/demo/demo.pcap -S rules/demo/demo.rules -l "$out" -k none --deterministic
echo
echo "alerts ($out/fast.log):"
cat "$out/fast.log"
echo
if diff -q <(sort "$out/fast.log") <(sort rules/demo/suricata-fast.log) >/dev/null; then
  echo "These are exactly the alerts Suricata 7 raises on the same capture and rules (rules/demo/suricata-fast.log)."
else
  echo "Note: these differ from Suricata 7's alerts in rules/demo/suricata-fast.log:"
  diff <(sort "$out/fast.log") <(sort rules/demo/suricata-fast.log) || true
fi
echo
echo "eve.json: $out/eve.json ($(wc -l < "$out/eve.json") records; try: jq -c 'select(.event_type==\"alert\") | .alert.signature' $out/eve.json)"
