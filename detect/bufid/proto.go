package bufid

// Proto is an application-layer protocol. Its String form is the app_proto
// name Suricata writes in EVE records and accepts in rule headers.
//
// The values below NumFlowProtos are those a flow can have: the protocols
// Vigil parses, ProtoUnknown while detection has not decided and
// ProtoFailed when it gave up. The values from NumFlowProtos on exist only
// in rules: protocols a rule header may name that no flow is ever detected
// as (a rule for them loads but never matches), ProtoHTTP1 ("http1", HTTP/1
// only, where flows report HTTP/1 as ProtoHTTP and a rule for "http" means
// either version) and ProtoFile, the protocol of the file buffers (any
// protocol whose transactions carry files).
type Proto uint8

// Protocols.
const (
	ProtoUnknown Proto = iota
	ProtoHTTP
	ProtoTLS
	ProtoDNS
	ProtoSSH
	ProtoFTP
	ProtoSMTP
	ProtoSIP
	ProtoSMB
	ProtoDCERPC
	ProtoRFB
	ProtoMQTT
	ProtoSNMP
	ProtoKRB5
	ProtoHTTP2
	ProtoLDAP
	ProtoDNP3
	ProtoENIP
	ProtoModbus
	ProtoQUIC
	ProtoIKE
	ProtoWebSocket
	// ProtoFTPData is a data connection an FTP control flow announced
	// (engine/applayer/ftpdata): never detected from its bytes.
	ProtoFTPData
	ProtoDHCP
	ProtoPgSQL
	ProtoPOP3
	// ProtoIMAP is detected but not parsed (as in Suricata 8).
	ProtoIMAP
	ProtoTFTP
	ProtoNTP
	ProtoFailed

	// Rule-only protocols (from NumFlowProtos on).
	ProtoHTTP1
	ProtoFile
	ProtoRDP
	ProtoNFS
	ProtoTelnet
	// ProtoIRC and ProtoSunRPC are services Suricata does not detect,
	// identified only for Snort 3's service option (applayer's
	// ServiceOnly entries): never a flow's protocol, never a rule
	// header's.
	ProtoIRC
	ProtoSunRPC

	NumProtos
)

// NumFlowProtos bounds the protocols of flows: arrays of per-protocol
// counters are this long.
const NumFlowProtos = ProtoFailed + 1

var protoNames = [NumProtos]string{
	ProtoUnknown:   "unknown",
	ProtoHTTP:      "http",
	ProtoTLS:       "tls",
	ProtoDNS:       "dns",
	ProtoSSH:       "ssh",
	ProtoFTP:       "ftp",
	ProtoSMTP:      "smtp",
	ProtoSIP:       "sip",
	ProtoSMB:       "smb",
	ProtoDCERPC:    "dcerpc",
	ProtoRFB:       "rfb",
	ProtoMQTT:      "mqtt",
	ProtoSNMP:      "snmp",
	ProtoKRB5:      "krb5",
	ProtoHTTP2:     "http2",
	ProtoFailed:    "failed",
	ProtoHTTP1:     "http1",
	ProtoFile:      "file",
	ProtoDHCP:      "dhcp",
	ProtoRDP:       "rdp",
	ProtoNFS:       "nfs",
	ProtoNTP:       "ntp",
	ProtoIKE:       "ike",
	ProtoModbus:    "modbus",
	ProtoDNP3:      "dnp3",
	ProtoENIP:      "enip",
	ProtoIMAP:      "imap",
	ProtoPOP3:      "pop3",
	ProtoTFTP:      "tftp",
	ProtoFTPData:   "ftp-data",
	ProtoQUIC:      "quic",
	ProtoPgSQL:     "pgsql",
	ProtoTelnet:    "telnet",
	ProtoLDAP:      "ldap",
	ProtoWebSocket: "websocket",
	ProtoIRC:       "irc",
	ProtoSunRPC:    "sunrpc",
}

// String returns Suricata's app_proto name for p.
func (p Proto) String() string {
	if p < NumProtos {
		return protoNames[p]
	}
	return "unknown"
}

// LookupRuleProto maps a protocol of a rule header or of app-layer-protocol
// to a Proto: every name String returns except "unknown", "failed",
// "file" and the Snort-only services "irc" and "sunrpc", and the aliases "ssl" (tls) and "ikev2" (ike).
func LookupRuleProto(name string) (Proto, bool) {
	switch name {
	case "ssl":
		return ProtoTLS, true
	case "ikev2":
		return ProtoIKE, true
	case "unknown", "failed", "file", "irc", "sunrpc":
		return ProtoUnknown, false
	}
	for i, n := range protoNames {
		if n == name {
			return Proto(i), true
		}
	}
	return ProtoUnknown, false
}
