package detect

import (
	"fmt"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// Snort 3 keywords that have a direct meaning in Vigil's model.

// snortServices maps Snort 3 service names to the app-layer protocols
// Vigil detects.
var snortServices = map[string][]bufid.Proto{
	// Snort adds http2 to every http rule (add_service_to_otn).
	"http": {bufid.ProtoHTTP, bufid.ProtoHTTP2}, "http2": {bufid.ProtoHTTP2},
	"ssl": {bufid.ProtoTLS}, "tls": {bufid.ProtoTLS}, "dns": {bufid.ProtoDNS}, "ssh": {bufid.ProtoSSH},
	"smtp": {bufid.ProtoSMTP}, "ftp": {bufid.ProtoFTP}, "ftp-data": {bufid.ProtoFTPData},
	// Snort names SMB sessions (and DCERPC over SMB) netbios-ssn.
	"sip": {bufid.ProtoSIP}, "dcerpc": {bufid.ProtoDCERPC}, "netbios-ssn": {bufid.ProtoSMB}, "kerberos": {bufid.ProtoKRB5},
	"snmp": {bufid.ProtoSNMP}, "dhcp": {bufid.ProtoDHCP}, "ldap": {bufid.ProtoLDAP},
	// Services Suricata does not detect, identified for this option
	// (applayer ServiceOnly entries).
	"irc": {bufid.ProtoIRC}, "sunrpc": {bufid.ProtoSunRPC},
}

// setupService is Snort 3's service:a,b. Snort applies such a rule to
// flows identified as one of the services, falling back to the header's
// ports when the service is not identified: Vigil does the same, so the
// header ports are not required when the flow's app-layer protocol (or
// Snort-only service, Packet.Service) is one of the services, and the rule
// does not apply to a flow identified as another protocol
// (Sig.serviceMatch). When Vigil identifies none of the services, the
// rule applies by its header ports, Snort's fallback; without ports it
// would only ever be half evaluated and is unsupported.
// Docs: https://docs.snort.org/rules/options/non_payload/service
func setupService(b *sigBuilder, l *ruleparser.List) error {
	var known []bufid.Proto
	for _, it := range l.Items {
		if it.Negated {
			return fmt.Errorf("negated service %q: %w", it.Value, ErrUnsupported)
		}
		if p, ok := snortServices[it.Value]; ok {
			known = append(known, p...)
		}
	}
	if len(known) == 0 {
		if b.sig.sp != nil || b.sig.dp != nil {
			// None of the services is one Vigil identifies; Snort falls
			// back to the header's ports, and so does Vigil.
			return nil
		}
		return fmt.Errorf("service %v: %w", itemValues(l), ErrUnsupported)
	}
	b.sig.services = append(b.sig.services, known...)
	return nil
}

func itemValues(l *ruleparser.List) []string {
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Value)
	}
	return out
}

// bufferlenItem is Snort 3's bufferlen: the length of the current buffer,
// or with relative of what remains after the cursor.
// Docs: https://docs.snort.org/rules/options/payload/bufferlen
type bufferlenItem struct {
	cmp ruleparser.UintCmp
	rel bool
}

func (b *bufferlenItem) relative() bool { return b.rel }
func (b *bufferlenItem) retry() bool    { return false }
func (b *bufferlenItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	n := len(buf)
	if b.rel {
		n = max(len(buf)-cursor, 0)
	}
	return cursor, cursor, b.cmp.Match(uint64(n))
}

func setupBufferlen(b *sigBuilder, c *ruleparser.Compare) error {
	it := &bufferlenItem{cmp: c.Cmp}
	for _, x := range c.Extra {
		if x == "relative" {
			it.rel = true
		}
	}
	return b.add(it)
}
