package engine

import (
	"net/netip"
	"time"

	"vigil/engine/applayer"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/http"
	"vigil/engine/applayer/ssh"
	"vigil/engine/applayer/tls"
	"vigil/engine/flow"
	"vigil/engine/packet"
	"vigil/output/eve"
)

// This file turns engine state into EVE records. It runs per record (an
// alert, a transaction, a flow), not per packet, and may allocate.

// header fills the envelope of a packet record from p.
func (w *Worker) header(r *eve.Record, t eve.EventType, p *packet.Packet) {
	r.Reset()
	r.Type = t
	r.Time = time.Unix(0, p.Ts).UTC()
	r.PcapCnt = p.PcapCnt
	r.SrcIP, r.DestIP = p.Src, p.Dst
	r.SrcPort, r.DestPort = p.SrcPort, p.DstPort
	r.Proto = p.Proto
	r.Ports = p.Proto == packet.ProtoTCP || p.Proto == packet.ProtoUDP || p.Proto == packet.ProtoSCTP
	if p.Proto == packet.ProtoICMP || p.Proto == packet.ProtoICMPv6 {
		r.ICMP, r.ICMPType, r.ICMPCode = true, p.ICMP.Type, p.ICMP.Code
	}
	r.VLANCount = p.VLANCount
	r.VLAN[0], r.VLAN[1] = p.VLAN[0], p.VLAN[1]
	// Suricata writes "wire/pcap" for every captured packet, live or
	// replayed (its other values are for tunnels and reassembly).
	r.PktSrc = "wire/pcap"
}

// flowHeader fills the envelope of a record about a flow (not a packet):
// the tuple in client-to-server order.
func flowHeader(r *eve.Record, t eve.EventType, f *flow.Flow, proto uint8, ts int64) {
	r.Reset()
	r.Type = t
	r.Time = time.Unix(0, ts).UTC()
	r.FlowID = uint64(f.ID)
	r.SrcIP, r.SrcPort = f.Client()
	r.DestIP, r.DestPort = f.Server()
	r.Proto = proto
	r.Ports = proto == packet.ProtoTCP || proto == packet.ProtoUDP || proto == packet.ProtoSCTP
	r.IPVersion = 4
	if !r.SrcIP.Unmap().Is4() {
		r.IPVersion = 6
	}
	r.SrcIP, r.DestIP = r.SrcIP.Unmap(), r.DestIP.Unmap()
	if proto == packet.ProtoICMP || proto == packet.ProtoICMPv6 {
		r.ICMP, r.ICMPType, r.ICMPCode = true, f.ICMPType, f.ICMPCode
	}
}

func counts(f *flow.Flow) eve.Counts {
	return eve.Counts{PktsToServer: f.PktsToServer, PktsToClient: f.PktsToClient,
		BytesToServer: f.BytesToServer, BytesToClient: f.BytesToClient}
}

// appObject attaches the EVE object of tx (seen in direction dir) to r.
func appObject(r *eve.Record, tx applayer.Tx, dir applayer.Direction) bool {
	switch t := tx.(type) {
	case *http.Tx:
		e := t.EVE()
		r.HTTP = &eve.HTTP{Hostname: b(e.Hostname), Port: uint16(e.Port), URL: b(e.URL),
			UserAgent: b(e.UserAgent), XFF: b(e.XFF), ContentType: b(e.ContentType), Referer: b(e.Refer),
			Method: b(e.Method), Protocol: b(e.Protocol), Status: uint16(e.Status), Redirect: b(e.Redirect),
			Length: uint64(max(e.Length, 0))}
	case *tls.Tx:
		e := t.EVE()
		x := &eve.TLS{Subject: b(e.Subject), IssuerDN: b(e.IssuerDN), Serial: b(e.Serial),
			Fingerprint: b(e.Fingerprint), SNI: b(e.SNI), Version: e.Version, SessionResumed: e.SessionResumed,
			JA3:  eve.Hash{Hash: b(e.JA3.Hash), String: b(e.JA3.String)},
			JA3S: eve.Hash{Hash: b(e.JA3S.Hash), String: b(e.JA3S.String)}, JA4: b(e.JA4)}
		if e.NotBefore != "" {
			x.NotBefore, _ = time.Parse("2006-01-02T15:04:05", e.NotBefore)
			x.NotAfter, _ = time.Parse("2006-01-02T15:04:05", e.NotAfter)
		}
		r.TLS = x
	case *ssh.Tx:
		e := t.EVE()
		host := func(h ssh.EVEEndpoint) eve.SSHHost {
			return eve.SSHHost{ProtoVersion: b(h.ProtoVersion), SoftwareVersion: b(h.SoftwareVersion),
				Hassh: eve.Hash{Hash: b(h.HASSH.Hash), String: b(h.HASSH.String)}}
		}
		r.SSH = &eve.SSH{Client: host(e.Client), Server: host(e.Server)}
	case *dns.Tx:
		e, ok := t.EVE(dir)
		if !ok {
			if e, ok = t.EVE(dir.Reverse()); !ok {
				return false
			}
		}
		r.DNS = dnsObject(&e)
	default:
		return false
	}
	return true
}

func b(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

var rrTypes = map[string]uint16{"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13, "MX": 15,
	"TXT": 16, "AAAA": 28, "SRV": 33, "NAPTR": 35, "DS": 43, "SSHFP": 44, "RRSIG": 46, "NSEC": 47,
	"DNSKEY": 48, "NSEC3": 50, "TLSA": 52, "HTTPS": 65, "SVCB": 64, "ANY": 255, "CAA": 257}

func rrType(s string) uint16 { return rrTypes[s] }

func dnsObject(e *dns.EVE) *eve.DNS {
	var flags uint16
	for _, c := range e.Flags {
		flags <<= 4
		switch {
		case c >= '0' && c <= '9':
			flags |= uint16(c - '0')
		case c >= 'a' && c <= 'f':
			flags |= uint16(c-'a') + 10
		}
	}
	d := &eve.DNS{Response: e.Type == "response", TxID: e.TxID, ID: e.ID, Flags: flags, Grouped: true}
	for _, q := range e.Queries {
		d.Queries = append(d.Queries, eve.DNSQuery{RRName: b(q.RRName), RRType: rrType(q.RRType)})
	}
	ans := func(in []dns.EVEAnswer) []eve.DNSAnswer {
		var out []eve.DNSAnswer
		for _, a := range in {
			out = append(out, eve.DNSAnswer{RRName: b(a.RRName), RRType: rrType(a.RRType), TTL: a.TTL, RData: rdata(a)})
		}
		return out
	}
	d.Answers, d.Authorities, d.Additionals = ans(e.Answers), ans(e.Authorities), ans(e.Additionals)
	return d
}

// rdata converts the parser's text rdata to what eve.DNSAnswer wants:
// address bytes for A and AAAA, text for the rest.
func rdata(a dns.EVEAnswer) []byte {
	if a.RData == "" {
		return nil
	}
	if a.RRType == "A" || a.RRType == "AAAA" {
		if ip, err := parseAddr(a.RData); err == nil {
			if a.RRType == "A" && ip.Is4() {
				v := ip.As4()
				return v[:]
			}
			v := ip.As16()
			return v[:]
		}
	}
	return []byte(a.RData)
}

func parseAddr(s string) (netip.Addr, error) { return netip.ParseAddr(s) }
