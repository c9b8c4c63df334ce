package detect

import "strings"

// ntpModes are the names ntp.mode accepts (Suricata 8's NTPMode
// enumeration, compared ignoring case). Docs: rules/ntp-keywords.html.
var ntpModes = map[string]uint64{
	"reserved": 0, "symmetric_active": 1, "symmetric_passive": 2, "client": 3,
	"server": 4, "broadcast": 5, "control": 6, "private": 7,
}

func ntpModeByName(s string) (uint64, bool) {
	v, ok := ntpModes[strings.ToLower(s)]
	return v, ok
}
