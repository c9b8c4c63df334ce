package applayer

// Proto is an application-layer protocol. Its String form is the app_proto
// name Suricata writes in EVE records and accepts in rule headers.
type Proto uint8

// Known protocols. ProtoUnknown means detection has not decided yet;
// ProtoFailed means detection gave up on the flow.
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
	ProtoFailed
	numProtos
)

var protoNames = [numProtos]string{
	ProtoUnknown: "unknown",
	ProtoHTTP:    "http",
	ProtoTLS:     "tls",
	ProtoDNS:     "dns",
	ProtoSSH:     "ssh",
	ProtoFTP:     "ftp",
	ProtoSMTP:    "smtp",
	ProtoSIP:     "sip",
	ProtoSMB:     "smb",
	ProtoDCERPC:  "dcerpc",
	ProtoRFB:     "rfb",
	ProtoMQTT:    "mqtt",
	ProtoSNMP:    "snmp",
	ProtoKRB5:    "krb5",
	ProtoHTTP2:   "http2",
	ProtoFailed:  "failed",
}

// String returns Suricata's app_proto name for p.
func (p Proto) String() string {
	if p < numProtos {
		return protoNames[p]
	}
	return "unknown"
}

// ParseProto maps a Suricata app_proto name (as used in rule headers, e.g.
// "http", "tls", "dns") to a Proto. "ssl" is accepted as an alias of "tls"
// and "http1" of "http". ok is false for names Vigil does not know.
func ParseProto(name string) (p Proto, ok bool) {
	switch name {
	case "ssl":
		return ProtoTLS, true
	case "http1":
		return ProtoHTTP, true
	}
	for i, n := range protoNames {
		if n == name {
			return Proto(i), true
		}
	}
	return ProtoUnknown, false
}

// Direction is the direction of stream data relative to the flow's initiator.
type Direction uint8

// Directions. ToServer is client to server (the flow initiator's side).
const (
	ToServer Direction = iota
	ToClient
)

// String returns "to_server" or "to_client".
func (d Direction) String() string {
	if d == ToClient {
		return "to_client"
	}
	return "to_server"
}

// Reverse returns the opposite direction.
func (d Direction) Reverse() Direction { return d ^ 1 }
