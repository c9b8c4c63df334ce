package all

import (
	"fmt"
	"strings"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/dcerpc"
	"vigil/engine/applayer/dhcp"
	"vigil/engine/applayer/dnp3"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/enip"
	"vigil/engine/applayer/ftp"
	"vigil/engine/applayer/http"
	"vigil/engine/applayer/http2"
	"vigil/engine/applayer/ike"
	"vigil/engine/applayer/krb5"
	"vigil/engine/applayer/ldap"
	"vigil/engine/applayer/modbus"
	"vigil/engine/applayer/mqtt"
	"vigil/engine/applayer/ntp"
	"vigil/engine/applayer/pgsql"
	"vigil/engine/applayer/pop3"
	"vigil/engine/applayer/quic"
	"vigil/engine/applayer/rfb"
	"vigil/engine/applayer/sip"
	"vigil/engine/applayer/smb"
	"vigil/engine/applayer/smtp"
	"vigil/engine/applayer/snmp"
	"vigil/engine/applayer/ssh"
	"vigil/engine/applayer/tftp"
	"vigil/engine/applayer/tls"
	"vigil/engine/applayer/websocket"
)

// Config holds per-protocol parser settings.
type Config struct {
	HTTP http.Config
	// SMTP bounds the decoded mail attachments kept per transaction.
	SMTP smtp.Config
	// MQTT holds eve-log's mqtt string-log-limit.
	MQTT mqtt.Config
	// DHCPExtended is eve-log's dhcp extended: every DHCP message is
	// logged with its options.
	DHCPExtended bool
	// MaxProbeBytes bounds protocol detection per direction (0: default).
	MaxProbeBytes int
	// DetectionPorts replaces the ports detection hints and requires for
	// a protocol (app-layer.protocols.X.detection-ports), on every
	// transport the protocol is detected on.
	DetectionPorts map[applayer.Proto][]uint16
	// Modes holds app-layer.protocols.X.enabled for the protocols it
	// names; the others are enabled.
	Modes map[applayer.Proto]Mode
}

// Mode is a protocol's app-layer.protocols.X.enabled setting, as
// Suricata 8 defines it.
type Mode uint8

// Modes.
const (
	// Enabled (yes): the protocol is detected and parsed.
	Enabled Mode = iota
	// DetectionOnly (detection-only): the protocol is detected, so the
	// flow's app_proto names it, but not parsed: no transactions, no
	// records, and rules on its app-layer keywords never match.
	DetectionOnly
	// Disabled (no): neither detected nor parsed.
	Disabled
)

// ParseMode parses an enabled setting: yes, no or detection-only.
func ParseMode(v string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "true", "on", "1":
		return Enabled, nil
	case "no", "false", "off", "0":
		return Disabled, nil
	case "detection-only":
		return DetectionOnly, nil
	}
	return Enabled, fmt.Errorf("want yes, no or detection-only, got %q", v)
}

// parsers is the table of parser constructors by protocol.
var parsers = []struct {
	proto applayer.Proto
	new   func(Config) applayer.Parser
}{
	{bufid.ProtoHTTP, func(c Config) applayer.Parser { return http.New(c.HTTP) }},
	// HTTP/2 shares the HTTP/1 limits (body, header bytes, transactions).
	{bufid.ProtoHTTP2, func(c Config) applayer.Parser {
		return http2.New(http2.Config{RequestBodyLimit: c.HTTP.RequestBodyLimit, ResponseBodyLimit: c.HTTP.ResponseBodyLimit,
			MaxHeaderBytes: c.HTTP.MaxHeaderBytes, MaxTx: c.HTTP.MaxTx})
	}},
	{bufid.ProtoTLS, func(Config) applayer.Parser { return tls.New() }},
	{bufid.ProtoSSH, func(Config) applayer.Parser { return ssh.New() }},
	{bufid.ProtoDNS, func(Config) applayer.Parser { return dns.New() }},
	{bufid.ProtoSIP, func(Config) applayer.Parser { return sip.New() }},
	{bufid.ProtoSMB, func(Config) applayer.Parser { return smb.New() }},
	{bufid.ProtoDCERPC, func(Config) applayer.Parser { return dcerpc.New() }},
	{bufid.ProtoFTP, func(Config) applayer.Parser { return ftp.New() }},
	{bufid.ProtoMQTT, func(c Config) applayer.Parser { return mqtt.NewConfig(c.MQTT) }},
	{bufid.ProtoRFB, func(Config) applayer.Parser { return rfb.New() }},
	{bufid.ProtoSNMP, func(Config) applayer.Parser { return snmp.New() }},
	{bufid.ProtoKRB5, func(Config) applayer.Parser { return krb5.New() }},
	{bufid.ProtoLDAP, func(Config) applayer.Parser { return ldap.New() }},
	{bufid.ProtoDNP3, func(Config) applayer.Parser { return dnp3.New() }},
	{bufid.ProtoENIP, func(Config) applayer.Parser { return enip.New() }},
	{bufid.ProtoModbus, func(Config) applayer.Parser { return modbus.New() }},
	{bufid.ProtoDHCP, func(c Config) applayer.Parser { return dhcp.New(c.DHCPExtended) }},
	{bufid.ProtoPgSQL, func(Config) applayer.Parser { return pgsql.New() }},
	{bufid.ProtoPOP3, func(Config) applayer.Parser { return pop3.New() }},
	{bufid.ProtoTFTP, func(Config) applayer.Parser { return tftp.New() }},
	{bufid.ProtoNTP, func(Config) applayer.Parser { return ntp.New() }},
	{bufid.ProtoSMTP, func(c Config) applayer.Parser { return smtp.New(c.SMTP) }},
	{bufid.ProtoQUIC, func(Config) applayer.Parser { return quic.New() }},
	{bufid.ProtoIKE, func(Config) applayer.Parser { return ike.New() }},
	// WebSocket is never detected: HTTP hands a flow over after a 101.
	{bufid.ProtoWebSocket, func(Config) applayer.Parser { return websocket.New() }},
}

// udpParsers replaces the constructor of parsers for the UDP entries of
// protocols whose datagram form is another parser.
var udpParsers = map[applayer.Proto]func(Config) applayer.Parser{
	bufid.ProtoDCERPC: func(Config) applayer.Parser { return dcerpc.NewUDP() }, // connectionless (dcerpc/udp.go)
}

// Registry returns the detection table with parsers attached.
func Registry(cfg Config) *applayer.Registry {
	def := applayer.DefaultEntries()
	entries := def[:0]
	for _, e := range def {
		if cfg.Modes[e.Proto] != Disabled {
			entries = append(entries, e)
		}
	}
	for i := range entries {
		if ports, ok := cfg.DetectionPorts[entries[i].Proto]; ok {
			entries[i].Ports = ports
		}
		if cfg.Modes[entries[i].Proto] == DetectionOnly {
			continue
		}
		for _, p := range parsers {
			if p.proto == entries[i].Proto {
				newf := p.new
				if u, ok := udpParsers[p.proto]; ok && entries[i].Transport == applayer.UDP {
					newf = u
				}
				entries[i].New = func() applayer.Parser { return newf(cfg) }
			}
		}
	}
	return applayer.NewRegistry(cfg.MaxProbeBytes, entries...)
}

// Protocols returns the protocols that have a parser, in table order.
func Protocols() []applayer.Proto {
	out := make([]applayer.Proto, 0, len(parsers))
	for _, p := range parsers {
		out = append(out, p.proto)
	}
	return out
}
