package detect

import (
	"fmt"
	"strings"
)

// Reasons a Suricata 8 keyword is not evaluated.
const (
	whyNoParser   = "Vigil does not parse this protocol yet"
	whyNoField    = "the parser does not expose this field yet"
	whyNoScript   = "Lua scripting is not embedded"
	whyNoFiles    = "file extraction, hashing and magic are not implemented"
	whyNoEvents   = "decoder and stream events are not raised"
	whyNoRewrite  = "Vigil is IDS-only here: payload rewriting is not implemented"
	whyNoHeader   = "the packet field is not decoded into detection yet"
	whyFrames     = "app-layer frames are not exposed to detection"
	whySnortOnly  = "Snort buffer Vigil does not fill"
	whyDataRepSet = "datasets and reputation files are not loaded"
	whyNoSDP      = "the SIP parser does not parse SDP bodies yet"
)

// unsupported maps each Suricata 8 keyword Vigil parses but does not
// evaluate (a table entry without a compile step), and each Suricata 8
// keyword Vigil does not know at all, to the reason. Rules using them are
// skipped as unsupported; `vigil --list-keywords` and `rules check` print
// the reason. TestUnsupportedTable keeps it in step with the table.
//
// The list of Suricata 8 keywords is Vigil's reading of Suricata 8.0's
// rules documentation and keyword registrations (Suricata 8 is not
// installed here to print --list-keywords=csv).
var unsupported = map[string]string{
	// In the table, parsed but not evaluated.
	"decode-event": whyNoEvents, "stream-event": whyNoEvents,
	"filemagic": whyNoFiles, "filesha1": whyNoFiles, "filesha256": whyNoFiles, "filestore": whyNoFiles,
	"http.cookie.raw": whySnortOnly, "js_data": whySnortOnly, "rem": "Snort 3 comment: Vigil keeps it unevaluated",
	"replace":   whyNoRewrite,
	"tls.store": whyNoFiles,

	// Not in the table: Suricata 8 keywords Vigil does not parse.
	"config":  "the config keyword (logging and transaction control) is not implemented",
	"dataset": whyDataRepSet, "datarep": whyDataRepSet, "iprep": whyDataRepSet, "geoip": "GeoIP databases are not loaded",
	"lua": whyNoScript, "luajit": whyNoScript, "luaxform": whyNoScript,
	"frame":                   whyFrames,
	"email.url":               whyNoField,
	"http2.header":            whyNoField,
	"mdns.additionals.rrname": whyNoParser, "mdns.answers.rrname": whyNoParser, "mdns.authorities.rrname": whyNoParser,
	"mdns.queries.rrname": whyNoParser, "mdns.response.rrname": whyNoParser,
	"nfs_procedure": whyNoParser, "nfs.version": whyNoParser,

	"smb.ntlmssp_domain": whyNoField, "smb.ntlmssp_user": whyNoField, "smb.version": whyNoField,

	// Registered by Suricata 8.0.6 (src/detect-*.c sigmatch names, rust
	// keyword tables) and found missing by comparing that list with this
	// table.
	"app-layer-state": "app-layer state hooks are not implemented",
	"engine-event":    whyNoEvents,
	"file.magic":      whyNoFiles,
	"nfq_set_mark":    "NFQUEUE marking: Vigil does not run inline on NFQUEUE",
	"snmp.trap_type":  whyNoField,
	"tls_store":       whyNoFiles,
	// SDP bodies of SIP messages.
	"sdp.attribute": whyNoSDP, "sdp.bandwidth": whyNoSDP, "sdp.connection_data": whyNoSDP, "sdp.email": whyNoSDP,
	"sdp.encryption_key": whyNoSDP, "sdp.media.connection_data": whyNoSDP, "sdp.media.encryption_key": whyNoSDP,
	"sdp.media.media": whyNoSDP, "sdp.media.media_info": whyNoSDP, "sdp.origin": whyNoSDP, "sdp.phone_number": whyNoSDP,
	"sdp.repeat_time": whyNoSDP, "sdp.session_info": whyNoSDP, "sdp.session_name": whyNoSDP, "sdp.time": whyNoSDP,
	"sdp.timezone": whyNoSDP, "sdp.uri": whyNoSDP,
}

// UnsupportedReason returns why Vigil does not evaluate keyword name
// (canonical or alias), or "" when it does or does not know the keyword.
func UnsupportedReason(name string) string {
	if e, ok := Keywords().byName[name]; ok {
		if e.compile != nil {
			return ""
		}
		name = e.Name
	}
	return unsupported[name]
}

// Unparsed returns why Vigil does not parse name, a Suricata 8 keyword
// the table lacks ("" for any other name). It makes the parser's
// unknown-keyword error say so (ruleparser.Unparsed).
func (k *KeywordTable) Unparsed(name string) string {
	if _, ok := k.byName[name]; ok {
		return ""
	}
	return unsupported[name]
}

// unsupportedError is ErrUnsupported for keyword name with its reason
// when the table of reasons has one.
func unsupportedError(name string) error {
	if why := UnsupportedReason(name); why != "" {
		return fmt.Errorf("%w: %s", ErrUnsupported, why)
	}
	return ErrUnsupported
}

// docPage guesses the rules documentation page of a keyword Vigil does
// not parse from its protocol prefix.
func docPage(name string) string {
	p, _, ok := strings.Cut(name, ".")
	if !ok {
		p, _, _ = strings.Cut(name, "_")
	}
	switch p {
	case "dhcp", "enip", "ldap", "mdns", "pgsql", "pop3", "quic", "websocket", "smb", "tls", "dns", "email", "http2", "nfs":
		return p + "-keywords.html"
	case "dataset", "datarep":
		return "datasets.html"
	case "lua", "luajit", "luaxform":
		return "rule-lua-scripting.html"
	}
	return "index.html"
}
