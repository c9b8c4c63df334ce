package all

import (
	"vigil/engine/applayer"
	"vigil/engine/applayer/dcerpc"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/http"
	"vigil/engine/applayer/sip"
	"vigil/engine/applayer/smb"
	"vigil/engine/applayer/ssh"
	"vigil/engine/applayer/tls"
)

// Config holds per-protocol parser settings.
type Config struct {
	HTTP http.Config
	// MaxProbeBytes bounds protocol detection per direction (0: default).
	MaxProbeBytes int
}

// parsers is the table of parser constructors by protocol.
var parsers = []struct {
	proto applayer.Proto
	new   func(Config) applayer.Parser
}{
	{applayer.ProtoHTTP, func(c Config) applayer.Parser { return http.New(c.HTTP) }},
	{applayer.ProtoTLS, func(Config) applayer.Parser { return tls.New() }},
	{applayer.ProtoSSH, func(Config) applayer.Parser { return ssh.New() }},
	{applayer.ProtoDNS, func(Config) applayer.Parser { return dns.New() }},
	{applayer.ProtoSIP, func(Config) applayer.Parser { return sip.New() }},
	{applayer.ProtoSMB, func(Config) applayer.Parser { return smb.New() }},
	{applayer.ProtoDCERPC, func(Config) applayer.Parser { return dcerpc.New() }},
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
