package detect

import (
	"fmt"
	"strings"
)

// Reasons a Suricata 8 keyword is not evaluated.
const (
	whyNoParser   = "Vigil does not parse this protocol yet"
	whyNoField    = "the parser does not expose this field yet"
	whyNoState    = "needs engine state Vigil does not keep (host or IP tables, datasets, variables)"
	whyNoScript   = "Lua scripting is not embedded"
	whyNoFiles    = "file extraction, hashing and magic are not implemented"
	whyNoEvents   = "decoder and stream events are not raised"
	whyNoRewrite  = "Vigil is IDS-only here: payload rewriting is not implemented"
	whyNoHeader   = "the packet field is not decoded into detection yet"
	whyFrames     = "app-layer frames are not exposed to detection"
	whySnortOnly  = "Snort buffer Vigil does not fill"
	whyTransform  = "transform not implemented"
	whyDataRepSet = "datasets and reputation files are not loaded"
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
	"replace":          whyNoRewrite,
	"ssh.protoversion": whyNoField, "ssh.softwareversion": whyNoField,
	"strip_pseudo_headers": whyTransform,
	"tls.cert_expired":     whyNoField, "tls.cert_valid": whyNoField, "tls.fingerprint": whyNoField,
	"tls.issuerdn": whyNoField, "tls.store": whyNoFiles, "tls.subject": whyNoField,

	// Not in the table: Suricata 8 keywords Vigil does not parse.
	"bypass": "flow bypass from a rule is not implemented", "config": "the config keyword (logging and transaction control) is not implemented",
	"dataset": whyDataRepSet, "datarep": whyDataRepSet, "iprep": whyDataRepSet, "geoip": "GeoIP databases are not loaded",
	"flowvar": whyNoState, "pktvar": whyNoState, "hostbits": whyNoState,
	"lua": whyNoScript, "luajit": whyNoScript, "luaxform": whyNoScript,
	"entropy": "not implemented", "rpc": "ONC RPC header matching is not implemented",
	"frame": whyFrames, "gunzip": whyTransform,
	"email.url":               whyNoField,
	"http2.header":            whyNoField,
	"mdns.additionals.rrname": whyNoParser, "mdns.answers.rrname": whyNoParser, "mdns.authorities.rrname": whyNoParser,
	"mdns.queries.rrname": whyNoParser, "mdns.response.rrname": whyNoParser,
	"nfs_procedure": whyNoParser, "nfs.version": whyNoParser,
	"pgsql.query": whyNoParser, "pop3.args": whyNoParser, "pop3.command": whyNoParser,
	"smb.ntlmssp_domain": whyNoField, "smb.ntlmssp_user": whyNoField, "smb.version": whyNoField,
	"tls.cert_notafter": whyNoField, "tls.cert_notbefore": whyNoField,
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
