package engine

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/engine/applayer/dns"
	"vigil/engine/applayer/tls"
	"vigil/output/eve"
)

// TestTxEventType checks the record type a transaction gets: DNS to port
// 5353 is mdns and DNS to any other port dns, as Suricata 8 logs them; a
// transaction that decides for itself (tls) is asked.
func TestTxEventType(t *testing.T) {
	d := &dns.Tx{}
	for _, c := range []struct {
		tx   applayer.Tx
		port uint16
		want eve.EventType
	}{
		{d, 53, eve.EventDNS},
		{d, 5353, eve.EventMDNS},
		{&tls.Tx{}, 443, eve.EventTLS},
		{&tls.Tx{ClientVersion: tls.VersionSSL3}, 443, 0},
	} {
		if got := txEventType(c.tx, c.port); got != c.want {
			t.Errorf("%T to port %d: %v, want %v", c.tx, c.port, got, c.want)
		}
	}
}
