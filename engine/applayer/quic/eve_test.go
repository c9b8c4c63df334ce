package quic

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the quic objects of a client and a server Initial
// and of a gQUIC CHLO against the schema and the records Suricata writes
// for the same packets.
func TestFillEVE(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, readBin(t, "ietf-client-initial.bin"))
	p.ParseDatagram(applayer.ToClient, readBin(t, "ietf-server-initial.bin"))
	g := New()
	g.ParseDatagram(applayer.ToServer, q046CHLO())
	for _, c := range []struct {
		name string
		tx   *Tx
		want map[string]any
	}{
		{"client", p.Tx(0), map[string]any{"version": "1", "sni": "msquic.net",
			"ja3": map[string]any{"string": "771,4865-4866-4867,51-0-16-43-13-10-57-45-41,23-29,", "hash": "292bd0719190dff4cb1033de8573310d"},
			"ja4": "q00d0309h9_55b375c5d22e_4facdb9c99ee", "ja3s": nil,
			"extensions": []any{
				map[string]any{"name": "key_share", "type": 51},
				map[string]any{"name": "server_name", "type": 0, "values": []string{"msquic.net"}},
				map[string]any{"name": "alpn", "type": 16, "values": []string{"h3-29"}},
				map[string]any{"name": "supported_versions", "type": 43, "values": []string{"Tls13", "Tls13Draft28", "Tls13Draft27", "Tls13Draft26"}},
				map[string]any{"name": "signature_algorithms", "type": 13, "values": []string{"2052", "1027", "1025", "513"}},
				map[string]any{"name": "supported_groups", "type": 10},
				map[string]any{"name": "quic_transport_parameters", "type": 57},
				map[string]any{"name": "psk_key_exchange_modes", "type": 45},
				map[string]any{"name": "pre_shared_key", "type": 41},
			}}},
		{"server", p.Tx(1), map[string]any{"version": "1", "sni": nil, "ja3": nil, "ja4": nil,
			"ja3s": map[string]any{"string": "771,4866,43-51-41", "hash": "2253c82f03b621c5144709b393fde2c9"}}},
		{"gquic", g.Tx(0), map[string]any{"version": "Q046", "sni": "www.example.com", "ua": "test-agent",
			"cyu": []any{map[string]any{"string": "46,PAD-SNI-UAID", "hash": "bc252431df58411cd2ea00eba190964f"}}}},
	} {
		got := evetest.FillObject(t, eve.EventQUIC, "quic", func(r *eve.Record) bool {
			return c.tx.FillEVE(r, c.tx.Dir())
		})
		evetest.Diff(t, c.name, got, c.want)
	}
}
