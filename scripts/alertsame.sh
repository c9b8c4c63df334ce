#!/bin/sh
# alertsame.sh OLD_VIGIL NEW_VIGIL: replays the malicious and bench captures
# with all of ET Open, one worker, deterministic order, through both binaries
# and fails unless the sorted (sid, flow_id) alert sets are identical.
# Used to check that a throughput change leaves the alerts alone (issue 16).
set -eu
old=${1:?usage: alertsame.sh OLD_VIGIL NEW_VIGIL}
new=${2:?usage: alertsame.sh OLD_VIGIL NEW_VIGIL}
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
rules=$shared/rules/et-open
[ -d "$rules" ] || { echo "alertsame: $rules absent, skipping"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc=0
for cap in malicious bench; do
	in=$shared/pcaps/$cap
	[ -e "$in" ] || { echo "alertsame: $in absent, skipping"; continue; }
	for who in old new; do
		eval bin=\$$who
		mkdir -p "$tmp/$who-$cap"
		"$bin" replay -r "$in" -S "$rules" -l "$tmp/$who-$cap" -k none --workers 1 --deterministic \
			--set vars.address-groups.HOME_NET=any --set vars.address-groups.EXTERNAL_NET=any >"$tmp/$who-$cap/log" 2>&1 || true
		# Input errors (truncated captures) give a non-zero exit; a run that
		# replayed its packets still reports "replayed".
		grep -q '^replayed' "$tmp/$who-$cap/log" ||
			{ echo "alertsame: $bin on $cap failed:"; tail -5 "$tmp/$who-$cap/log"; exit 1; }
		jq -c 'select(.event_type=="alert")|[.alert.signature_id,.flow_id]' "$tmp/$who-$cap/eve.json" | sort >"$tmp/$who-$cap.set"
	done
	n=$(wc -l <"$tmp/new-$cap.set")
	if cmp -s "$tmp/old-$cap.set" "$tmp/new-$cap.set"; then
		echo "alertsame: $cap: $n (sid, flow) pairs, identical"
	else
		echo "alertsame: $cap: sets differ (< old, > new):"
		diff "$tmp/old-$cap.set" "$tmp/new-$cap.set" | head -20
		rc=1
	fi
done
exit $rc
