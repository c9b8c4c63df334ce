package all

import (
	"vigil/engine/applayer"
	"vigil/engine/applayer/dcerpc"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/ftp"
	"vigil/engine/applayer/http"
	"vigil/engine/applayer/http2"
	"vigil/engine/applayer/krb5"
	"vigil/engine/applayer/mqtt"
	"vigil/engine/applayer/rfb"
	"vigil/engine/applayer/sip"
	"vigil/engine/applayer/smb"
	"vigil/engine/applayer/smtp"
	"vigil/engine/applayer/snmp"
	"vigil/engine/applayer/ssh"
	"vigil/engine/applayer/tls"
)

// Config holds per-protocol parser settings.
type Config struct {
	HTTP http.Config
	// SMTP bounds the decoded mail attachments kept per transaction.
	SMTP smtp.Config
	// MaxProbeBytes bounds protocol detection per direction (0: default).
	MaxProbeBytes int
}

// parsers is the table of parser constructors by protocol.
var parsers = []struct {
	proto applayer.Proto
	new   func(Config) applayer.Parser
}{
	{applayer.ProtoHTTP, func(c Config) applayer.Parser { return http.New(c.HTTP) }},
	// HTTP/2 shares the HTTP/1 limits (body, header bytes, transactions).
	{applayer.ProtoHTTP2, func(c Config) applayer.Parser {
		return http2.New(http2.Config{RequestBodyLimit: c.HTTP.RequestBodyLimit, ResponseBodyLimit: c.HTTP.ResponseBodyLimit,
			MaxHeaderBytes: c.HTTP.MaxHeaderBytes, MaxTx: c.HTTP.MaxTx})
	}},
	{applayer.ProtoTLS, func(Config) applayer.Parser { return tls.New() }},
	{applayer.ProtoSSH, func(Config) applayer.Parser { return ssh.New() }},
	{applayer.ProtoDNS, func(Config) applayer.Parser { return dns.New() }},
	{applayer.ProtoSIP, func(Config) applayer.Parser { return sip.New() }},
	{applayer.ProtoSMB, func(Config) applayer.Parser { return smb.New() }},
	{applayer.ProtoDCERPC, func(Config) applayer.Parser { return dcerpc.New() }},
	{applayer.ProtoFTP, func(Config) applayer.Parser { return ftp.New() }},
	{applayer.ProtoMQTT, func(Config) applayer.Parser { return mqtt.New() }},
	{applayer.ProtoRFB, func(Config) applayer.Parser { return rfb.New() }},
	{applayer.ProtoSNMP, func(Config) applayer.Parser { return snmp.New() }},
	{applayer.ProtoKRB5, func(Config) applayer.Parser { return krb5.New() }},
	{applayer.ProtoSMTP, func(c Config) applayer.Parser { return smtp.New(c.SMTP) }},
}

// Registry returns the detection table with parsers attached.
func Registry(cfg Config) *applayer.Registry {
	entries := applayer.DefaultEntries()
	for i := range entries {
		for _, p := range parsers {
			if p.proto == entries[i].Proto {
				newf := p.new
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
