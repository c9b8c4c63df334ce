package eve

import (
	"math"
	"net/netip"
	"strconv"
	"time"
)

// TimeLayout is Suricata's EVE timestamp format (microseconds, numeric zone
// without a colon), as a Go time layout.
const TimeLayout = "2006-01-02T15:04:05.000000-0700"

// tlsDateLoggable reports whether a certificate date can be written in
// the schema's tls date pattern (a year from 1000 to 2999).
func tlsDateLoggable(t time.Time) bool {
	y := t.UTC().Year()
	return !t.IsZero() && y >= 1000 && y <= 2999
}

// tlsDateLayout is the format of tls notbefore/notafter (no zone).
const tlsDateLayout = "2006-01-02T15:04:05"

// Encoder turns Records into EVE-JSON lines with keys in Suricata 8's order.
// Its options mirror Suricata's eve-log.alert settings. An Encoder is not
// safe for concurrent use: each worker owns one. Encoding a record allocates
// nothing once the destination buffer has grown to the record's size.
type Encoder struct {
	// Location is the time zone of timestamps; nil means UTC (so output
	// does not depend on the host).
	Location *time.Location
	// Payload logs the alert payload base64 encoded ("payload").
	Payload bool
	// PayloadPrintable logs "payload_printable".
	PayloadPrintable bool
	// PayloadLength logs "payload_length".
	PayloadLength bool
	// Packet logs the raw packet ("packet") and "packet_info".
	Packet bool
	// HTTPHeaders adds every request and/or response header to http
	// records (eve-log http dump-all-headers).
	HTTPHeaders HTTPHeaderDump
	// TLSFields selects the fields of tls records (eve-log tls
	// "extended"/"custom"); zero means TLSExtended.
	TLSFields TLSFields
	// XFFAlert and XFFHTTP are the xff modes of alert and http records.
	XFFAlert, XFFHTTP XFFMode

	buf []byte
}

// SameOptions reports whether e and o encode every record alike.
func (e *Encoder) SameOptions(o *Encoder) bool {
	return e.Location == o.Location && e.Payload == o.Payload && e.PayloadPrintable == o.PayloadPrintable &&
		e.PayloadLength == o.PayloadLength && e.Packet == o.Packet && e.TLSFields.orDefault() == o.TLSFields.orDefault() &&
		e.HTTPHeaders == o.HTTPHeaders && e.XFFAlert == o.XFFAlert && e.XFFHTTP == o.XFFHTTP
}

// Encode encodes r as one line ending in '\n'. The result is the Encoder's
// buffer, valid until the next call.
func (e *Encoder) Encode(r *Record) []byte {
	e.buf = e.Append(e.buf[:0], r)
	return e.buf
}

// Append appends r as one line ending in '\n' to dst and returns the result.
func (e *Encoder) Append(dst []byte, r *Record) []byte {
	switch r.Type {
	case EventAlert:
		dst = e.appendAlert(dst, r)
	case EventFlow:
		dst = e.appendFlowRecord(dst, r)
	case EventAnomaly:
		dst = e.appendPacketHeader(dst, r, "anomaly")
		dst = appendAnomaly(dst, &r.Anomaly)
		dst = appendPacket(dst, r) // packethdr
	case EventHTTP:
		dst = e.appendPacketHeader(dst, r, "http")
		if r.HTTP != nil {
			dst = appendHTTP(dst, r.HTTP, e.HTTPHeaders)
		} else {
			// An HTTP/2 transaction's "http" object is an Object.
			dst = e.appendAppObjects(dst, r)
		}
	case EventDNS:
		dst = e.appendPacketHeader(dst, r, "dns")
		if r.DNS != nil {
			dst = appendDNS(dst, r.DNS)
		}
	case EventTLS:
		dst = e.appendPacketHeader(dst, r, "tls")
		if r.TLS != nil {
			dst = appendTLS(dst, r.TLS, e.TLSFields.orDefault())
		}
	case EventSSH:
		dst = e.appendPacketHeader(dst, r, "ssh")
		if r.SSH != nil {
			dst = appendSSH(dst, r.SSH)
		}
	default:
		name := r.Type.String()
		if name == "" {
			name = "unknown"
		}
		dst = e.appendPacketHeader(dst, r, name)
		// fileinfo logs the transaction's object beside its own;
		// fileinfo and ftp_data then log app_proto.
		dst = e.appendAppObjects(dst, r)
		if r.Type == EventFileinfo || r.Type == EventFTPData {
			dst = appendAppProto(dst, &r.AppProto)
		}
	}
	dst = appendTrailer(dst, &r.Header)
	return append(dst, '}', '\n')
}

func (e *Encoder) loc() *time.Location {
	if e.Location == nil {
		return time.UTC
	}
	return e.Location
}

// AppendTime appends t in Suricata's timestamp format in loc (UTC if nil),
// unquoted: TimeLayout, written by hand because time.AppendFormat is the
// largest cost of encoding a record.
func AppendTime(dst []byte, t time.Time, loc *time.Location) []byte {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	_, offset := t.Zone()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, TimeLayout)
	}
	dst = appendDigits(dst, year, 4)
	dst = append(dst, '-')
	dst = appendDigits(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, day, 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, min, 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, sec, 2)
	dst = append(dst, '.')
	dst = appendDigits(dst, t.Nanosecond()/1000, 6)
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	dst = append(dst, sign)
	dst = appendDigits(dst, offset/3600, 2)
	return appendDigits(dst, offset%3600/60, 2)
}

// appendDigits appends v (>= 0) zero-padded to width digits.
func appendDigits(dst []byte, v, width int) []byte {
	var b [8]byte
	i := len(b)
	for v > 0 || width > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		width--
	}
	return append(dst, b[i:]...)
}

func (e *Encoder) appendTime(dst []byte, key string, t time.Time) []byte {
	dst = appendKey(dst, key)
	dst = append(dst, '"')
	dst = AppendTime(dst, t, e.loc())
	return append(dst, '"')
}

// appendKey appends `,"key":`. Keys are constants that need no escaping;
// the leading comma is dropped when the previous byte opens an object.
func appendKey(dst []byte, key string) []byte {
	if n := len(dst); n > 0 && dst[n-1] != '{' && dst[n-1] != '[' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, key...)
	return append(dst, '"', ':')
}

func appendUint(dst []byte, key string, v uint64) []byte {
	return strconv.AppendUint(appendKey(dst, key), v, 10)
}

func appendStr(dst []byte, key, v string) []byte {
	return AppendString(appendKey(dst, key), v)
}

// appendOptBytes logs v under key unless it is empty.
func appendOptBytes(dst []byte, key string, v []byte) []byte {
	if len(v) == 0 {
		return dst
	}
	return AppendBytes(appendKey(dst, key), v)
}

func appendOptStr(dst []byte, key, v string) []byte {
	if v == "" {
		return dst
	}
	return appendStr(dst, key, v)
}

func appendBool(dst []byte, key string, v bool) []byte {
	dst = appendKey(dst, key)
	if v {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

func appendTrue(dst []byte, key string, v bool) []byte {
	if !v {
		return dst
	}
	return append(appendKey(dst, key), "true"...)
}

// appendAddr writes an address as Suricata 8.0 does: IPv4 dotted, IPv6
// as eight groups of four hex digits, never compressed
// ("2001:0db8:0000:0000:0000:0000:0000:0001"; its later ipv6-compress
// option is not in 8.0).
func appendAddr(dst []byte, key string, a netip.Addr) []byte {
	dst = appendKey(dst, key)
	dst = append(dst, '"')
	dst = AppendIP(dst, a)
	return append(dst, '"')
}

// AppendIP appends a unquoted in EVE's form (see appendAddr).
func AppendIP(dst []byte, a netip.Addr) []byte {
	a = a.Unmap()
	if !a.Is6() {
		return a.AppendTo(dst)
	}
	b := a.As16()
	for i := 0; i < 16; i += 2 {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[b[i]>>4], hexDigits[b[i]&0xf], hexDigits[b[i+1]>>4], hexDigits[b[i+1]&0xf])
	}
	return dst
}

// protoNames are the protocol names Suricata logs for common IP protocols.
var protoNames = [256]string{
	1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 17: "UDP", 41: "IPv6", 47: "GRE",
	50: "ESP", 51: "AH", 58: "IPv6-ICMP", 103: "PIM", 132: "SCTP",
}

// ProtoKnown reports whether IP protocol p has a name (else ProtoName
// returns its number).
func ProtoKnown(p uint8) bool { return protoNames[p] != "" }

// ProtoName returns the "proto" value for IP protocol p.
func ProtoName(p uint8) string {
	if n := protoNames[p]; n != "" {
		return n
	}
	return decimal[p]
}

var decimal = func() (t [256]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

func appendProto(dst []byte, p uint8) []byte {
	dst = appendKey(dst, "proto")
	dst = append(dst, '"')
	dst = append(dst, ProtoName(p)...)
	return append(dst, '"')
}

func appendVLAN(dst []byte, h *Header) []byte {
	if h.VLANCount == 0 {
		return dst
	}
	dst = appendKey(dst, "vlan")
	dst = append(dst, '[')
	for i := 0; i < int(h.VLANCount) && i < len(h.VLAN); i++ {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = strconv.AppendUint(dst, uint64(h.VLAN[i]), 10)
	}
	return append(dst, ']')
}

// appendPacketHeader writes the envelope of packet- and transaction-based
// records (Suricata's CreateEveHeader): ..., proto, ip_v, icmp, pkt_src,
// community_id, tx_id.
func (e *Encoder) appendPacketHeader(dst []byte, r *Record, eventType string) []byte {
	h := &r.Header
	dst = append(dst, '{')
	dst = e.appendTime(dst, "timestamp", h.Time)
	if h.FlowID != 0 {
		dst = appendUint(dst, "flow_id", h.FlowID)
	}
	dst = appendOptStr(dst, "in_iface", h.InIface)
	if h.PcapCnt != 0 {
		dst = appendUint(dst, "pcap_cnt", h.PcapCnt)
	}
	dst = appendStr(dst, "event_type", eventType)
	dst = appendVLAN(dst, h)
	// An xff overwrite logs the header's address as written, as
	// Suricata does.
	overwrite := e.xffMode(r) == XFFOverwrite
	if overwrite && !r.XFFToClient {
		dst = AppendBytes(appendKey(dst, "src_ip"), r.XFF)
	} else if h.SrcIP.IsValid() {
		dst = appendAddr(dst, "src_ip", h.SrcIP)
	}
	if h.Ports {
		dst = appendUint(dst, "src_port", uint64(h.SrcPort))
	}
	if overwrite && r.XFFToClient {
		dst = AppendBytes(appendKey(dst, "dest_ip"), r.XFF)
	} else if h.DestIP.IsValid() {
		dst = appendAddr(dst, "dest_ip", h.DestIP)
	}
	if h.Ports {
		dst = appendUint(dst, "dest_port", uint64(h.DestPort))
	}
	if h.SrcIP.IsValid() || h.IPVersion != 0 {
		dst = appendProto(dst, h.Proto)
	}
	if h.IPVersion != 0 {
		dst = appendUint(dst, "ip_v", uint64(h.IPVersion))
	}
	if h.ICMP {
		dst = appendUint(dst, "icmp_type", uint64(h.ICMPType))
		dst = appendUint(dst, "icmp_code", uint64(h.ICMPCode))
	}
	dst = appendOptStr(dst, "pkt_src", h.PktSrc)
	dst = appendVarsMetadata(dst, h)
	dst = appendEther(dst, h)
	dst = appendOptStr(dst, "community_id", h.CommunityID)
	if h.HasTxID {
		dst = appendUint(dst, "tx_id", h.TxID)
	}
	return dst
}

// appendEther writes the "ether" object: a packet's addresses, or a
// flow's lists.
func appendEther(dst []byte, h *Header) []byte {
	if !h.HasMAC && len(h.SrcMACs) == 0 && len(h.DestMACs) == 0 {
		return dst
	}
	dst = append(appendKey(dst, "ether"), '{')
	if h.HasMAC {
		dst = appendMAC(appendKey(dst, "src_mac"), h.SrcMAC)
		dst = appendMAC(appendKey(dst, "dest_mac"), h.DestMAC)
	}
	for _, l := range [2]struct {
		key  string
		macs [][6]byte
	}{{"src_macs", h.SrcMACs}, {"dest_macs", h.DestMACs}} {
		if len(l.macs) == 0 {
			continue
		}
		dst = append(appendKey(dst, l.key), '[')
		for i, m := range l.macs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendMAC(dst, m)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendMAC writes a quoted MAC address, "00:11:22:aa:bb:cc".
func appendMAC(dst []byte, m [6]byte) []byte {
	dst = append(dst, '"')
	for i, b := range m {
		if i > 0 {
			dst = append(dst, ':')
		}
		dst = append(dst, hexDigits[b>>4], hexDigits[b&0xf])
	}
	return append(dst, '"')
}

// appendVarsMetadata writes the flow variables object ("metadata").
func appendVarsMetadata(dst []byte, h *Header) []byte {
	// Flowbits named traffic/id/X and traffic/label/X are Suricata's
	// traffic tags: logged as "traffic":{"id":[X],"label":[X]}, not as
	// flowbits.
	plain := 0
	var tagged [2]int
	for _, b := range h.Flowbits {
		if k := trafficKind(b); k >= 0 {
			tagged[k]++
		} else {
			plain++
		}
	}
	if plain > 0 || len(h.Flowints) > 0 || len(h.Entropy) > 0 || len(h.Flowvars) > 0 || len(h.Pktvars) > 0 {
		dst = append(appendKey(dst, "metadata"), '{')
		if plain > 0 {
			dst = append(appendKey(dst, "flowbits"), '[')
			n := 0
			for _, b := range h.Flowbits {
				if trafficKind(b) < 0 {
					if n > 0 {
						dst = append(dst, ',')
					}
					n++
					dst = AppendString(dst, b)
				}
			}
			dst = append(dst, ']')
		}
		if len(h.Flowints) > 0 {
			dst = append(appendKey(dst, "flowints"), '{')
			for _, v := range h.Flowints {
				dst = appendUint(dst, v.Name, uint64(v.Value))
			}
			dst = append(dst, '}')
		}
		if len(h.Entropy) > 0 {
			dst = append(appendKey(dst, "entropy"), '{')
			for _, v := range h.Entropy {
				dst = strconv.AppendFloat(appendKey(dst, v.Name), v.Value, 'f', -1, 64)
			}
			dst = append(dst, '}')
		}
		dst = appendVarList(dst, "flowvars", h.Flowvars)
		dst = appendVarList(dst, "pktvars", h.Pktvars)
		dst = append(dst, '}')
	}
	if tagged[0]+tagged[1] == 0 {
		return dst
	}
	dst = append(appendKey(dst, "traffic"), '{')
	for k, key := range trafficKeys {
		if tagged[k] == 0 {
			continue
		}
		dst = append(appendKey(dst, key), '[')
		n := 0
		for _, b := range h.Flowbits {
			if trafficKind(b) == k {
				if n > 0 {
					dst = append(dst, ',')
				}
				n++
				dst = AppendString(dst, b[len(trafficPrefixes[k]):])
			}
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendVarList writes vars as key:[{name:value},...], values printed as
// Suricata prints variables: non-printable bytes as '.'.
func appendVarList(dst []byte, key string, vars []Var) []byte {
	if len(vars) == 0 {
		return dst
	}
	dst = append(appendKey(dst, key), '[')
	for i, v := range vars {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(AppendString(append(dst, '{'), v.Name), ':')
		dst = appendPrintASCII(dst, v.Value)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendPrintASCII appends b as a JSON string with every byte that is not
// printable ASCII written as '.' (\r, \n, '"' and '\\' escaped).
func appendPrintASCII(dst, b []byte) []byte {
	dst = append(dst, '"')
	for _, c := range b {
		switch {
		case c == '\r':
			dst = append(dst, '\\', 'r')
		case c == '\n':
			dst = append(dst, '\\', 'n')
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
		case c < 0x20 || c >= 0x7f:
			dst = append(dst, '.')
		default:
			dst = append(dst, c)
		}
	}
	return append(dst, '"')
}

var (
	trafficPrefixes = [2]string{"traffic/id/", "traffic/label/"}
	trafficKeys     = [2]string{"id", "label"}
)

// trafficKind returns 0 for a traffic/id/ flowbit, 1 for traffic/label/,
// -1 for others.
func trafficKind(bit string) int {
	for k, p := range trafficPrefixes {
		if len(bit) > len(p) && bit[:len(p)] == p {
			return k
		}
	}
	return -1
}

// appendTrailer writes the fields Suricata adds last to every record.
func appendTrailer(dst []byte, h *Header) []byte {
	dst = appendOptStr(dst, "host", h.Host)
	return appendOptStr(dst, "pcap_filename", h.PcapFilename)
}

func appendAppProto(dst []byte, a *AppProto) []byte {
	dst = appendOptStr(dst, "app_proto", a.Proto)
	if a.TS != a.Proto {
		dst = appendOptStr(dst, "app_proto_ts", a.TS)
	}
	if a.TC != a.Proto {
		dst = appendOptStr(dst, "app_proto_tc", a.TC)
	}
	if a.Orig != a.Proto {
		dst = appendOptStr(dst, "app_proto_orig", a.Orig)
	}
	if a.Expected != a.Proto {
		dst = appendOptStr(dst, "app_proto_expected", a.Expected)
	}
	return dst
}

func appendCounts(dst []byte, c *Counts) []byte {
	dst = appendUint(dst, "pkts_toserver", c.PktsToServer)
	dst = appendUint(dst, "pkts_toclient", c.PktsToClient)
	dst = appendUint(dst, "bytes_toserver", c.BytesToServer)
	return appendUint(dst, "bytes_toclient", c.BytesToClient)
}

func (e *Encoder) appendFlowCounts(dst []byte, f *Flow) []byte {
	if f.HasBypassed {
		all := Counts{
			PktsToServer:  f.PktsToServer + f.Bypassed.PktsToServer,
			PktsToClient:  f.PktsToClient + f.Bypassed.PktsToClient,
			BytesToServer: f.BytesToServer + f.Bypassed.BytesToServer,
			BytesToClient: f.BytesToClient + f.Bypassed.BytesToClient,
		}
		dst = appendCounts(dst, &all)
		dst = append(appendKey(dst, "bypassed"), '{')
		dst = appendCounts(dst, &f.Bypassed)
		dst = append(dst, '}')
	} else {
		dst = appendCounts(dst, &f.Counts)
	}
	return e.appendTime(dst, "start", f.Start)
}

func appendEndpoint(dst []byte, key string, ep *Endpoint) []byte {
	dst = append(appendKey(dst, key), '{')
	if ep.IP.IsValid() {
		dst = appendAddr(dst, "ip", ep.IP)
	}
	if ep.HasPort {
		dst = appendUint(dst, "port", uint64(ep.Port))
	}
	return append(dst, '}')
}

func appendStringArray(dst []byte, key string, vs []string) []byte {
	dst = append(appendKey(dst, key), '[')
	for i, v := range vs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendString(dst, v)
	}
	return append(dst, ']')
}

func appendAlertObject(dst []byte, a *Alert, xff []byte) []byte {
	dst = append(appendKey(dst, "alert"), '{')
	dst = appendStr(dst, "action", a.Action)
	dst = appendUint(dst, "gid", uint64(a.GID))
	dst = appendUint(dst, "signature_id", uint64(a.SignatureID))
	dst = appendUint(dst, "rev", uint64(a.Rev))
	dst = appendStr(dst, "signature", a.Signature)
	dst = appendStr(dst, "category", a.Category)
	dst = appendUint(dst, "severity", uint64(a.Severity))
	if a.HasTarget {
		dst = appendEndpoint(dst, "source", &a.Source)
		dst = appendEndpoint(dst, "target", &a.Target)
	}
	if len(a.References) > 0 {
		dst = appendStringArray(dst, "references", a.References)
	}
	if len(a.Metadata) > 0 {
		dst = append(appendKey(dst, "metadata"), '{')
		for i := range a.Metadata {
			kv := &a.Metadata[i]
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, kv.Key)
			dst = append(dst, ':', '[')
			for j, v := range kv.Values {
				if j > 0 {
					dst = append(dst, ',')
				}
				dst = AppendString(dst, v)
			}
			dst = append(dst, ']')
		}
		dst = append(dst, '}')
	}
	ctxDone := false
	if len(a.Context) > 0 {
		dst = append(appendKey(dst, "context"), '{')
		for _, v := range a.Context {
			dst = AppendBytes(appendKey(dst, v.Name), v.Value)
		}
		if a.Score != nil {
			dst = appendScore(dst, a.Score)
		}
		dst = append(dst, '}')
		ctxDone = true
	}
	dst = appendOptStr(dst, "rule", a.Rule)
	if a.Score != nil && !ctxDone {
		dst = append(appendKey(dst, "context"), '{')
		dst = appendScore(dst, a.Score)
		dst = append(dst, '}')
	}
	if len(xff) > 0 {
		dst = AppendBytes(appendKey(dst, "xff"), xff)
	}
	return append(dst, '}')
}

// appendScore writes a score crossing as the "vigil" object. Scores and
// points are logged with at most two decimals.
func appendScore(dst []byte, s *ScoreContext) []byte {
	dst = append(appendKey(dst, "vigil"), '{')
	dst = appendStr(dst, "scope", s.Scope)
	dst = append(appendKey(dst, "key"), '"')
	if s.Addr.IsValid() {
		dst = s.Addr.Unmap().AppendTo(dst)
	} else {
		dst = strconv.AppendUint(dst, s.FlowID, 10)
	}
	dst = append(dst, '"')
	dst = appendScoreNum(dst, "score", s.Score)
	dst = appendScoreNum(dst, "threshold", s.Threshold)
	dst = append(appendKey(dst, "contributors"), '[')
	for i, c := range s.Contributors {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '{')
		dst = appendUint(dst, "gid", uint64(c.GID))
		dst = appendUint(dst, "signature_id", uint64(c.SID))
		dst = appendUint(dst, "rev", uint64(c.Rev))
		dst = appendScoreNum(dst, "points", c.Points)
		dst = append(dst, '}')
	}
	dst = append(dst, ']')
	dst = append(appendKey(dst, "evidence"), '{')
	dst = appendBool(dst, "tcp_handshake", s.TCPHandshake)
	dst = appendBool(dst, "udp_both_ways", s.UDPBothWays)
	dst = append(dst, '}')
	verdict := s.Verdict
	if verdict == "" {
		verdict = "none"
	}
	dst = appendStr(dst, "verdict", verdict)
	return append(dst, '}')
}

func appendScoreNum(dst []byte, key string, v float64) []byte {
	return strconv.AppendFloat(appendKey(dst, key), math.Round(v*100)/100, 'f', -1, 64)
}

// appendAlert follows Suricata's AlertJson: header, tx_id, alert, the
// transaction's app-layer object, app_proto, direction, flow, payload,
// packet.
func (e *Encoder) appendAlert(dst []byte, r *Record) []byte {
	dst = e.appendPacketHeader(dst, r, "alert")
	dst = appendTrue(dst, "tx_guessed", r.Alert.TxGuessed)
	var xff []byte
	if e.xffMode(r) == XFFExtraData {
		xff = r.XFF
	}
	dst = appendAlertObject(dst, &r.Alert, xff)
	dst = e.appendAppObjects(dst, r)
	dst = appendAppProto(dst, &r.AppProto)
	if d := r.Dir.String(); d != "" {
		dst = appendStr(dst, "direction", d)
	}
	if r.LogFlow {
		h := &r.Header
		dst = append(appendKey(dst, "flow"), '{')
		dst = e.appendFlowCounts(dst, &r.Flow)
		// The flow's tuple in client-to-server order.
		src, dest, sp, dp := h.SrcIP, h.DestIP, h.SrcPort, h.DestPort
		if r.Dir == ToClient {
			src, dest, sp, dp = dest, src, dp, sp
		}
		if src.IsValid() {
			dst = appendAddr(dst, "src_ip", src)
		}
		if dest.IsValid() {
			dst = appendAddr(dst, "dest_ip", dest)
		}
		if h.Ports && h.SrcPort != 0 {
			dst = appendUint(dst, "src_port", uint64(sp))
			dst = appendUint(dst, "dest_port", uint64(dp))
		}
		dst = append(dst, '}')
	}
	if e.Payload || e.PayloadPrintable || e.PayloadLength {
		// Suricata does not log an empty base64 payload.
		if e.Payload && len(r.Payload) > 0 {
			dst = AppendBase64(appendKey(dst, "payload"), r.Payload)
		}
		if e.PayloadLength {
			dst = appendUint(dst, "payload_length", uint64(len(r.Payload)))
		}
		if e.PayloadPrintable {
			dst = AppendPrintable(appendKey(dst, "payload_printable"), r.Payload)
		}
		stream := uint64(0)
		if r.Stream {
			stream = 1
		}
		dst = appendUint(dst, "stream", stream)
	}
	if e.Packet {
		dst = appendPacket(dst, r)
	}
	return dst
}

// appendPacket logs r's packet bytes, when it has some, with their link
// type (Suricata's EvePacket).
func appendPacket(dst []byte, r *Record) []byte {
	if len(r.Packet) == 0 {
		return dst
	}
	dst = AppendBase64(appendKey(dst, "packet"), r.Packet)
	dst = append(appendKey(dst, "packet_info"), '{')
	dst = appendUint(dst, "linktype", uint64(r.LinkType))
	dst = appendOptStr(dst, "linktype_name", r.LinkTypeName)
	return append(dst, '}')
}

// appendFlowRecord follows Suricata's flow logger: a header built from the
// flow (ip_v before proto, no pcap_cnt or pkt_src), app_proto, flow,
// community_id, tcp.
func (e *Encoder) appendFlowRecord(dst []byte, r *Record) []byte {
	h, f := &r.Header, &r.Flow
	dst = append(dst, '{')
	dst = e.appendTime(dst, "timestamp", h.Time)
	if h.FlowID != 0 {
		dst = appendUint(dst, "flow_id", h.FlowID)
	}
	dst = appendOptStr(dst, "in_iface", h.InIface)
	dst = appendStr(dst, "event_type", "flow")
	dst = appendVLAN(dst, h)
	if h.SrcIP.IsValid() {
		dst = appendAddr(dst, "src_ip", h.SrcIP)
	}
	if h.Ports {
		dst = appendUint(dst, "src_port", uint64(h.SrcPort))
	}
	if h.DestIP.IsValid() {
		dst = appendAddr(dst, "dest_ip", h.DestIP)
	}
	if h.Ports {
		dst = appendUint(dst, "dest_port", uint64(h.DestPort))
	}
	if h.IPVersion != 0 {
		dst = appendUint(dst, "ip_v", uint64(h.IPVersion))
	}
	dst = appendProto(dst, h.Proto)
	if h.ICMP {
		dst = appendUint(dst, "icmp_type", uint64(h.ICMPType))
		dst = appendUint(dst, "icmp_code", uint64(h.ICMPCode))
		if f.ResponseICMP {
			dst = appendUint(dst, "response_icmp_type", uint64(f.ResponseICMPType))
			dst = appendUint(dst, "response_icmp_code", uint64(f.ResponseICMPCode))
		}
	}
	dst = appendAppProto(dst, &r.AppProto)
	dst = append(appendKey(dst, "flow"), '{')
	dst = e.appendFlowCounts(dst, f)
	dst = e.appendTime(dst, "end", f.End)
	age := f.End.Unix() - f.Start.Unix()
	if age < 0 {
		age = 0
	}
	dst = appendUint(dst, "age", uint64(age))
	dst = appendTrue(dst, "emergency", f.Emergency)
	dst = appendOptStr(dst, "state", f.State)
	dst = appendOptStr(dst, "bypass", f.Bypass)
	reason := f.Reason
	if reason == "" {
		reason = "unknown"
	}
	dst = appendStr(dst, "reason", reason)
	dst = appendBool(dst, "alerted", f.Alerted)
	dst = appendTrue(dst, "wrong_thread", f.WrongThread)
	dst = appendTrue(dst, "elephant", f.Elephant)
	dst = appendOptStr(dst, "action", f.Action)
	if f.TxCnt != 0 {
		dst = appendUint(dst, "tx_cnt", f.TxCnt)
	}
	dst = append(dst, '}')
	dst = appendVarsMetadata(dst, h)
	dst = appendEther(dst, h)
	dst = appendOptStr(dst, "community_id", h.CommunityID)
	if h.Proto == 6 {
		dst = appendTCP(dst, &r.TCP)
	}
	return dst
}

// TCP flag bits as Suricata names them in EVE.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpPSH = 0x08
	tcpACK = 0x10
	tcpURG = 0x20
	tcpECN = 0x40
	tcpCWR = 0x80
)

func appendTCP(dst []byte, t *TCPInfo) []byte {
	dst = append(appendKey(dst, "tcp"), '{')
	dst = append(appendKey(dst, "tcp_flags"), '"')
	dst = append(appendHex2(dst, t.Flags), '"')
	dst = append(appendKey(dst, "tcp_flags_ts"), '"')
	dst = append(appendHex2(dst, t.FlagsTS), '"')
	dst = append(appendKey(dst, "tcp_flags_tc"), '"')
	dst = append(appendHex2(dst, t.FlagsTC), '"')
	dst = appendTrue(dst, "syn", t.Flags&tcpSYN != 0)
	dst = appendTrue(dst, "fin", t.Flags&tcpFIN != 0)
	dst = appendTrue(dst, "rst", t.Flags&tcpRST != 0)
	dst = appendTrue(dst, "psh", t.Flags&tcpPSH != 0)
	dst = appendTrue(dst, "ack", t.Flags&tcpACK != 0)
	dst = appendTrue(dst, "urg", t.Flags&tcpURG != 0)
	dst = appendTrue(dst, "ecn", t.Flags&tcpECN != 0)
	dst = appendTrue(dst, "cwr", t.Flags&tcpCWR != 0)
	if t.HasSession {
		dst = appendOptStr(dst, "state", t.State)
		dst = appendTrue(dst, "tc_gap", t.TCGap)
		dst = appendTrue(dst, "ts_gap", t.TSGap)
		dst = appendUint(dst, "ts_max_regions", t.TSMaxRegions)
		dst = appendUint(dst, "tc_max_regions", t.TCMaxRegions)
		if t.TSUrgentOOBData != 0 {
			dst = appendUint(dst, "ts_urgent_oob_data", t.TSUrgentOOBData)
		}
		if t.TCUrgentOOBData != 0 {
			dst = appendUint(dst, "tc_urgent_oob_data", t.TCUrgentOOBData)
		}
	}
	return append(dst, '}')
}

func appendAnomaly(dst []byte, a *Anomaly) []byte {
	dst = append(appendKey(dst, "anomaly"), '{')
	dst = appendOptStr(dst, "app_proto", a.AppProto)
	dst = appendOptStr(dst, "type", a.Type)
	if a.Event != "" {
		dst = appendStr(dst, "event", a.Event)
	} else {
		dst = appendUint(dst, "code", uint64(a.Code))
	}
	dst = appendOptStr(dst, "layer", a.Layer)
	return append(dst, '}')
}

// appendHTTP follows Suricata's basic then extended HTTP fields.
func appendHTTP(dst []byte, h *HTTP, dump HTTPHeaderDump) []byte {
	dst = append(appendKey(dst, "http"), '{')
	dst = appendOptBytes(dst, "hostname", h.Hostname)
	if h.Port != 0 {
		dst = appendUint(dst, "http_port", uint64(h.Port))
	}
	dst = appendOptBytes(dst, "url", h.URL)
	dst = appendOptBytes(dst, "http_user_agent", h.UserAgent)
	dst = appendOptBytes(dst, "xff", h.XFF)
	dst = appendOptBytes(dst, "http_content_type", h.ContentType)
	if len(h.ContentRange) > 0 {
		dst = append(appendKey(dst, "content_range"), '{')
		dst = AppendBytes(appendKey(dst, "raw"), h.ContentRange)
		for _, f := range [3]struct {
			k string
			v int64
		}{{"start", h.RangeStart}, {"end", h.RangeEnd}, {"size", h.RangeSize}} {
			if f.v >= 0 {
				dst = appendUint(dst, f.k, uint64(f.v))
			}
		}
		dst = append(dst, '}')
	}
	dst = appendOptBytes(dst, "http_refer", h.Referer)
	dst = appendOptBytes(dst, "http_method", h.Method)
	dst = appendOptBytes(dst, "protocol", h.Protocol)
	if h.Status != 0 {
		dst = appendUint(dst, "status", uint64(h.Status))
	}
	dst = appendOptBytes(dst, "redirect", h.Redirect)
	dst = appendUint(dst, "length", h.Length)
	if dump&DumpRequestHeaders != 0 {
		dst = appendHeaders(dst, "request_headers", h.RequestHeaders)
	}
	if dump&DumpResponseHeaders != 0 {
		dst = appendHeaders(dst, "response_headers", h.ResponseHeaders)
	}
	return append(dst, '}')
}

// appendStrings writes a non-empty array of strings.
func appendStrings(dst []byte, key string, v [][]byte) []byte {
	if len(v) == 0 {
		return dst
	}
	dst = append(appendKey(dst, key), '[')
	for i, s := range v {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendBytes(dst, s)
	}
	return append(dst, ']')
}

func appendHash(dst []byte, key string, h *Hash) []byte {
	if len(h.Hash) == 0 && len(h.String) == 0 {
		return dst
	}
	dst = append(appendKey(dst, key), '{')
	dst = appendOptBytes(dst, "hash", h.Hash)
	dst = appendOptBytes(dst, "string", h.String)
	return append(dst, '}')
}

func appendSSHHost(dst []byte, key string, h *SSHHost) []byte {
	dst = append(appendKey(dst, key), '{')
	dst = appendOptBytes(dst, "proto_version", h.ProtoVersion)
	dst = appendOptBytes(dst, "software_version", h.SoftwareVersion)
	dst = appendHash(dst, "hassh", &h.Hassh)
	return append(dst, '}')
}

func appendSSH(dst []byte, s *SSH) []byte {
	dst = append(appendKey(dst, "ssh"), '{')
	dst = appendSSHHost(dst, "client", &s.Client)
	dst = appendSSHHost(dst, "server", &s.Server)
	return append(dst, '}')
}

// appendAppObjects writes the app-layer objects of r: the one of its
// pointer fields that is set, then Objs.
func (e *Encoder) appendAppObjects(dst []byte, r *Record) []byte {
	switch {
	case r.HTTP != nil:
		dst = appendHTTP(dst, r.HTTP, 0)
	case r.DNS != nil:
		dst = appendDNS(dst, r.DNS)
	case r.TLS != nil:
		// An alert's tls object is always Suricata's extended one.
		dst = appendTLS(dst, r.TLS, TLSExtended)
	case r.SSH != nil:
		dst = appendSSH(dst, r.SSH)
	}
	for i := range r.Objs {
		dst = appendObject(dst, &r.Objs[i])
	}
	return dst
}
