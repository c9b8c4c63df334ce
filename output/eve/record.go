package eve

import (
	"net/netip"
	"time"
)

// EventType is the kind of an EVE record (its "event_type").
type EventType uint8

// The record kinds this package encodes. Stats records have their own type,
// Stats, because their shape is built from counter names.
const (
	EventAlert EventType = iota + 1
	EventAnomaly
	EventFlow
	EventHTTP
	EventDNS
	EventTLS
	EventSSH
	// The records of the protocols whose object is an Object (Record.Objs).
	EventSMTP
	EventMQTT
	EventSIP
	EventSMB
	EventDCERPC
	EventFTP
	EventFTPData
	EventKRB5
	EventRFB
	EventSNMP
	EventMDNS
	EventFileinfo
	EventLDAP
	EventDNP3
	EventENIP
	EventModbus
	EventDHCP
	EventQUIC
	EventIKE
	EventWebSocket
	EventPgSQL
	EventPOP3
	EventTFTP
	EventNTP
)

var eventNames = [...]string{
	EventAlert:     "alert",
	EventAnomaly:   "anomaly",
	EventFlow:      "flow",
	EventHTTP:      "http",
	EventDNS:       "dns",
	EventTLS:       "tls",
	EventSSH:       "ssh",
	EventSMTP:      "smtp",
	EventMQTT:      "mqtt",
	EventSIP:       "sip",
	EventSMB:       "smb",
	EventDCERPC:    "dcerpc",
	EventFTP:       "ftp",
	EventFTPData:   "ftp_data",
	EventKRB5:      "krb5",
	EventRFB:       "rfb",
	EventSNMP:      "snmp",
	EventMDNS:      "mdns",
	EventFileinfo:  "fileinfo",
	EventLDAP:      "ldap",
	EventDNP3:      "dnp3",
	EventENIP:      "enip",
	EventModbus:    "modbus",
	EventDHCP:      "dhcp",
	EventQUIC:      "quic",
	EventIKE:       "ike",
	EventWebSocket: "websocket",
	EventPgSQL:     "pgsql",
	EventPOP3:      "pop3",
	EventTFTP:      "tftp",
	EventNTP:       "ntp",
}

// String returns the event_type value, or "" for an unknown type.
func (e EventType) String() string {
	if int(e) < len(eventNames) {
		return eventNames[e]
	}
	return ""
}

// Direction is the packet direction relative to the flow, logged as
// "direction" in alerts.
type Direction uint8

// Directions. DirUnknown omits the field.
const (
	DirUnknown Direction = iota
	ToServer
	ToClient
)

// String returns "to_server", "to_client" or "".
func (d Direction) String() string {
	switch d {
	case ToServer:
		return "to_server"
	case ToClient:
		return "to_client"
	}
	return ""
}

// Header is the common envelope of every record. Zero values omit their
// field, as Suricata omits them: FlowID 0, PcapCnt 0, an invalid address,
// VLANCount 0, IPVersion 0 and empty strings are not logged.
type Header struct {
	// Time is the packet time (replay) or capture time (live) of the event;
	// flow records use the time the flow was logged. Encoded in the
	// Encoder's location (UTC by default) with microseconds.
	Time      time.Time
	FlowID    uint64
	InIface   string
	PcapCnt   uint64
	VLAN      [3]uint16 // outermost first
	VLANCount uint8
	SrcIP     netip.Addr
	DestIP    netip.Addr
	SrcPort   uint16
	DestPort  uint16
	// Ports says whether src_port/dest_port are logged (TCP, UDP, SCTP).
	Ports bool
	// Proto is the IP protocol number; it is logged by Suricata's name
	// ("TCP", "UDP", "ICMP", "IPv6-ICMP", ...) or as a decimal string.
	Proto     uint8
	IPVersion uint8 // 4 or 6; 0 omits ip_v
	// ICMP says whether icmp_type/icmp_code are logged.
	ICMP     bool
	ICMPType uint8
	ICMPCode uint8
	// PktSrc is "wire/pcap" for captured packets ("" omits it).
	PktSrc string
	// Flowbits are the flowbits set on the flow, logged as
	// "metadata":{"flowbits":[...]} when non-empty.
	Flowbits []string
	// Flowints are the flowints set on the flow, logged as
	// "metadata":{"flowints":{name:value,...}} when non-empty.
	Flowints []FlowInt
	// Entropy are the flow's float variables set by the entropy
	// keyword, logged as "metadata":{"entropy":{name:value,...}}.
	Entropy []FloatVar
	// Flowvars and Pktvars are the flow's and the packet's variables
	// (pcre captures), logged as "metadata":{"flowvars":[{name:value}],
	// "pktvars":[{name:value}]} when non-empty.
	Flowvars, Pktvars []Var
	// HasMAC logs "ether" with SrcMAC and DestMAC (packet records);
	// SrcMACs and DestMACs, when not empty, log it with the lists
	// src_macs and dest_macs (flow records).
	HasMAC            bool
	SrcMAC, DestMAC   [6]byte
	SrcMACs, DestMACs [][6]byte
	CommunityID       string
	// HasTxID logs TxID ("tx_id"), the app-layer transaction id.
	HasTxID bool
	TxID    uint64
	// Host is the configured sensor name ("host"), logged last.
	Host string
	// PcapFilename is logged last as "pcap_filename" when set (replay).
	PcapFilename string
}

// Endpoint is an alert source or target.
type Endpoint struct {
	IP   netip.Addr
	Port uint16
	// HasPort logs Port (TCP, UDP, SCTP).
	HasPort bool
}

// MetaKV is one rule metadata key and its values in rule order.
type MetaKV struct {
	Key    string
	Values []string
}

// Alert is the "alert" object: the rule that matched. Strings come from the
// loaded rule set and are not copied.
type Alert struct {
	Action      string // "allowed" or "blocked"
	GID         uint32
	SignatureID uint32
	Rev         uint32
	Signature   string
	Category    string
	Severity    uint32
	// HasTarget logs Source and Target (rule has the target keyword).
	HasTarget bool
	Source    Endpoint
	Target    Endpoint
	// References are "type url" strings, logged when non-empty.
	References []string
	// Context are the alert variables the rule captured, logged as
	// "context":{name:value,...} (Suricata's pcre alert: captures).
	Context []Var
	// Metadata is the rule's metadata, in order; Suricata logs it as an
	// object of string arrays.
	Metadata []MetaKV
	// Rule is the raw rule text ("" omits it).
	Rule string
	// TxGuessed logs "tx_guessed": true at top level.
	TxGuessed bool
	// Score, when set, is logged as "context":{"vigil":{...}}: the
	// details of a score threshold crossing.
	Score *ScoreContext
}

// FlowInt is one flowint variable of a flow.
type FlowInt struct {
	Name  string
	Value uint32
}

// Var is a named variable captured from traffic; Value is logged with
// non-printable bytes as '.', as Suricata logs variables.
type Var struct {
	Name  string
	Value []byte
}

// FloatVar is a named float variable.
type FloatVar struct {
	Name  string
	Value float64
}

// ScoreContext describes a score crossing its threshold (Vigil's own
// record, an alert with category "Score Threshold Exceeded").
type ScoreContext struct {
	// Scope is "flow", "attacker", "victim" or "outbound".
	Scope string
	// Addr is the scored host (host scopes); FlowID the scored flow
	// (flow scope). Either is logged as the string "key".
	Addr             netip.Addr
	FlowID           uint64
	Score, Threshold float64
	Contributors     []ScoreContributor
	// TCPHandshake and UDPBothWays are the evidence behind the score.
	TCPHandshake, UDPBothWays bool
	// Verdict is what the verdict stage did ("none" when nothing).
	Verdict string
}

// ScoreContributor is one rule's points in a score.
type ScoreContributor struct {
	GID, SID, Rev uint32
	Points        float64
}

// AppProto names the flow's application protocols. Empty fields are not
// logged; TS/TC/Orig/Expected are logged only when they differ from Proto.
type AppProto struct {
	Proto    string
	TS       string
	TC       string
	Orig     string
	Expected string
}

// Counts are the flow packet and byte counters in both directions.
type Counts struct {
	PktsToServer  uint64
	PktsToClient  uint64
	BytesToServer uint64
	BytesToClient uint64
}

// Flow describes the flow of a record. In alerts only Counts and Start are
// logged (plus the flow's tuple in client-to-server order, taken from
// Header and Record.Dir); flow records log everything.
type Flow struct {
	Counts
	// Bypassed holds the counts of the bypassed part; logged when
	// HasBypassed.
	HasBypassed bool
	Bypassed    Counts
	Start       time.Time
	End         time.Time
	Emergency   bool
	// State is "new", "established", "closed" or "bypassed".
	State string
	// Bypass is "local" or "capture" for bypassed flows.
	Bypass string
	// Reason is "timeout", "forced", "shutdown", "tcp_reuse" or "unknown".
	Reason      string
	Alerted     bool
	WrongThread bool
	Elephant    bool
	// Action is "drop", "accept", "pass" or "".
	Action string
	TxCnt  uint64
	// ResponseICMP logs response_icmp_type/code (ICMP flows that saw a
	// reply).
	ResponseICMP     bool
	ResponseICMPType uint8
	ResponseICMPCode uint8
}

// TCPInfo is the "tcp" object of a flow record.
type TCPInfo struct {
	Flags, FlagsTS, FlagsTC uint8 // union of TCP flags seen, both ways, to server, to client
	// HasSession logs the session fields below (Suricata has a TCP session).
	HasSession      bool
	State           string
	TSGap, TCGap    bool
	TSMaxRegions    uint64
	TCMaxRegions    uint64
	TSUrgentOOBData uint64
	TCUrgentOOBData uint64
}

// HTTP is the "http" object (HTTP/1). Byte fields come from traffic and are
// escaped as Suricata does (see AppendBytes); nil or empty omits them.
type HTTP struct {
	Hostname    []byte
	Port        uint16 // port from the Host header; 0 omits http_port
	URL         []byte
	UserAgent   []byte
	XFF         []byte
	ContentType []byte // response content type up to ';'
	// ContentRange is the response's Content-Range value, written as the
	// content_range object with the parsed RangeStart, RangeEnd and
	// RangeSize (each omitted when negative); empty omits the object.
	ContentRange                    []byte
	RangeStart, RangeEnd, RangeSize int64
	Referer                         []byte
	Method                          []byte
	Protocol                        []byte
	Status                          uint16 // 0 omits status
	Redirect                        []byte
	// Length is the response body length; always logged.
	Length uint64
	// RequestHeaders and ResponseHeaders are every header in order,
	// written as request_headers and response_headers only when the
	// output dumps them (Encoder.HTTPHeaders).
	RequestHeaders, ResponseHeaders []HTTPHeader
}

// HTTPHeader is one header line of an HTTP message.
type HTTPHeader struct {
	Name, Value []byte
}

// DNSQuery is one question of a DNS message.
type DNSQuery struct {
	RRName    []byte
	RRType    uint16
	Truncated bool
}

// DNSAnswer is one resource record. RData holds the record data as the
// parser took it from the wire, never as text; only this package formats it:
//   - A, AAAA: the 4 or 16 address bytes;
//   - CNAME, NS, PTR, MX: the decompressed name (labels joined by '.');
//   - TXT: the raw rdata, length-prefixed strings, logged one record per
//     string as Suricata 8 does;
//   - NULL: the raw rdata;
//   - SSHFP: the raw rdata (algorithm, type, fingerprint), logged as an
//     "sshfp" object.
//
// SOA and SRV records carry names that only the parser can decompress:
// they come as SOA and SRV and are logged as "soa" and "srv" objects.
// Other types log no rdata, as in Suricata 8.
type DNSAnswer struct {
	RRName    []byte
	Truncated bool
	RRType    uint16
	TTL       uint32
	RData     []byte
	SOA       *DNSSOA
	SRV       *DNSSRV
}

// DNSSOA is the rdata of an SOA record.
type DNSSOA struct {
	MName, RName                            string
	Serial, Refresh, Retry, Expire, Minimum uint32
}

// DNSSRV is the rdata of an SRV record.
type DNSSRV struct {
	Priority, Weight, Port uint16
	Name                   string
}

// DNS is the "dns" object of one DNS message. Version selects the layout:
// 3 (Suricata 8's default; also 0) writes one record per message with
// "type" request or response; 2 (Suricata 8's deprecated layout) writes a
// request as one "query" record per question (Query is its index) and a
// response as one "answer" record.
type DNS struct {
	Version uint8
	// Response selects "type":"response" (version 2: "answer"); else
	// "request" ("query").
	Response bool
	// Query is the question a version 2 query record logs.
	Query   int
	TxID    uint64 // Suricata's internal transaction id
	ID      uint16 // on-the-wire id
	Flags   uint16 // header flags; qr/aa/tc/rd/ra/z, opcode and rcode derive from it
	Queries []DNSQuery
	Answers []DNSAnswer
	// Detailed logs the answers one object each ("answers"); Grouped
	// also logs them grouped by type ("grouped"). Suricata's formats
	// option: both by default.
	Detailed, Grouped bool
	// Types, when not zero, are the record types whose questions are
	// logged (Suricata's types option); see DNSTypes.
	Types       DNSTypes
	Authorities []DNSAnswer
	Additionals []DNSAnswer
}

// Hash is a fingerprint hash and the string it hashes (ja3, ja3s, hassh).
type Hash struct {
	Hash   []byte
	String []byte
}

// TLS is the "tls" object (extended format). Byte fields come from the
// handshake; nil omits them.
type TLS struct {
	Subject        []byte
	IssuerDN       []byte
	SessionResumed bool
	Serial         []byte
	Fingerprint    []byte
	SNI            []byte
	Version        string    // "TLS 1.2", "TLS 1.3", "SSLv3", "UNDETERMINED", ...
	NotBefore      time.Time // zero omits
	NotAfter       time.Time // zero omits
	JA3            Hash
	JA3S           Hash
	JA4            []byte
	// ClientALPNs are the protocols the ClientHello offered and
	// ServerALPNs the one the server chose ("client_alpns",
	// "server_alpns", logged by Suricata 8's extended format, its
	// default); empty omits them.
	ClientALPNs [][]byte
	ServerALPNs [][]byte
	// SubjectAltName lists the server certificate's subjectAltName
	// entries ("subjectaltname").
	SubjectAltName [][]byte
	// ClientHandshake and ServerHandshake are the hello parameters
	// ("client_handshake", "server_handshake"), written only when the
	// eve-log tls custom list names them; nil omits them.
	ClientHandshake *TLSHandshake
	ServerHandshake *TLSHandshake
	// Client is the client's certificate ("client"), nil when the client
	// sent none.
	Client *TLSCert
}

// TLSHandshake holds the parameters of one hello, GREASE values left out
// (Suricata 8's client_handshake and server_handshake objects).
type TLSHandshake struct {
	Version string   // highest version offered (client) or chosen (server)
	Ciphers []uint16 // every offered cipher (client) or the chosen one (server)
	Exts    []uint16
	SigAlgs []uint16 // client only
}

// TLSCert is the leaf certificate of a chain ("client" object).
type TLSCert struct {
	Subject, IssuerDN, Serial, Fingerprint []byte
	NotBefore, NotAfter                    time.Time // zero omits
}

// SSHHost is one side of an SSH connection.
type SSHHost struct {
	ProtoVersion    []byte
	SoftwareVersion []byte
	Hassh           Hash
}

// SSH is the "ssh" object.
type SSH struct {
	Client SSHHost
	Server SSHHost
}

// Anomaly is the "anomaly" object.
type Anomaly struct {
	// Type is "decode", "stream" or "applayer".
	Type string
	// Event is the event name; when empty, Code is logged instead.
	Event string
	Code  uint32
	// Layer is "proto_detect", "proto_parser" or "proto_unknown" (applayer).
	Layer string
	// AppProto is logged inside the object for applayer anomalies.
	AppProto string
}

// Record is one EVE event. The engine fills a Record it owns and reuses; the
// Encoder reads it and keeps nothing, so byte slices may point into packet or
// parser buffers that are valid only until the call returns.
//
// Addresses: for alerts and anomalies the Header tuple is the packet's
// (source of the packet first); for flow and transaction records (http,
// dns, tls, ssh) it is the flow's, client first, as Suricata logs them.
//
// Type selects the body: Alert uses Alert plus the optional app-layer
// object, AppProto, Dir, Flow (when LogFlow), Payload and Packet; Flow uses
// AppProto, Flow and TCP (TCP flows); HTTP, DNS, TLS and SSH use the pointer
// of that name, the other protocol records and fileinfo use Objs; Anomaly uses Anomaly (and AppProto for applayer anomalies).
type Record struct {
	Type EventType
	Header
	Alert    Alert
	Anomaly  Anomaly
	AppProto AppProto
	Dir      Direction
	// LogFlow logs the "flow" object in an alert.
	LogFlow bool
	Flow    Flow
	// TCP is the flow record's "tcp" object, logged for TCP flows.
	TCP TCPInfo
	// XFF is the client address, as written, the X-Forwarded-For header
	// of an HTTP transaction gives (alert and http records), nil when none;
	// XFFToClient says the record's packet goes to the client. The
	// Encoder's XFFAlert/XFFHTTP say how it is logged.
	XFF         []byte
	XFFToClient bool
	HTTP        *HTTP
	DNS         *DNS
	TLS         *TLS
	SSH         *SSH
	// Objs are the objects of the other protocols, in order: a record of
	// type smtp holds "smtp" and "email", a fileinfo record the
	// transaction's object and "fileinfo", an alert the app-layer objects
	// of its transaction. Logged where the pointer objects above are.
	Objs []Object
	// Payload is the packet payload or reassembled stream data of an alert;
	// Stream says it is stream data ("stream": 1).
	Payload []byte
	Stream  bool
	// Packet is the raw packet of an alert, or the start of the packet
	// of an anomaly (packethdr) ("packet", base64), with its linktype
	// (DLT) and its name in "packet_info".
	Packet       []byte
	LinkType     uint32
	LinkTypeName string
}

// Reset clears r for reuse. Only the memory of Objs is kept (emptied),
// so that a record reused per packet allocates nothing for its objects.
func (r *Record) Reset() {
	objs := r.Objs[:0]
	*r = Record{Objs: objs}
}

// AddObject appends an empty object named name to r.Objs and returns it
// for filling. An object slot left by Reset is reused with its memory.
func (r *Record) AddObject(name string) *Object {
	if n := len(r.Objs); n < cap(r.Objs) {
		r.Objs = r.Objs[:n+1]
		o := &r.Objs[n]
		o.Reset(name)
		return o
	}
	r.Objs = append(r.Objs, Object{Name: name})
	return &r.Objs[len(r.Objs)-1]
}
