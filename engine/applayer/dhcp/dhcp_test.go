package dhcp

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// msg builds a BOOTP message from op, xid, yiaddr's last octet and options.
func msg(op byte, yi byte, opts ...byte) []byte {
	b := make([]byte, headerLen, headerLen+4+len(opts))
	b[0], b[1], b[2] = op, 1, 6
	b[4], b[5], b[6], b[7] = 0xde, 0xad, 0xbe, 0xef
	if yi != 0 {
		b[16], b[17], b[18], b[19] = 10, 0, 0, yi
	}
	copy(b[28:], []byte{0, 0x11, 0x22, 0x33, 0x44, 0x55})
	b = append(b, 0x63, 0x82, 0x53, 0x63)
	return append(b, opts...)
}

var (
	request = msg(1, 0, 53, 1, 3, 12, 4, 'h', 'o', 's', 't', 50, 4, 10, 0, 0, 5, 55, 3, 1, 3, 6, 255)
	ack     = msg(2, 5, 53, 1, 5, 51, 4, 0, 0, 0x0e, 0x10, 58, 4, 0, 0, 7, 8, 59, 4, 0, 0, 0x0c, 0x4e,
		1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 0, 1, 6, 8, 8, 8, 8, 8, 1, 1, 1, 1, 255)
	discover = msg(1, 0, 53, 1, 1, 255)
)

func TestParse(t *testing.T) {
	p := New(false)
	p.ParseDatagram(applayer.ToServer, request)
	p.ParseDatagram(applayer.ToClient, ack)
	a := p.Tx(1)
	if a.Type != 5 || !a.HasLease || a.Lease != 3600 || a.Renewal != 1800 || a.Rebind != 3150 || len(a.DNS) != 2 {
		t.Errorf("ack: %+v", a)
	}
	if v, ok := a.BufferAt(applayer.ToClient, bufid.DHCPLeaseTime, 0); !ok || string(v) != "\x00\x00\x0e\x10" {
		t.Errorf("lease buffer %x", v)
	}
	if _, ok := p.Tx(0).BufferAt(applayer.ToServer, bufid.DHCPLeaseTime, 0); ok {
		t.Error("lease buffer without the option")
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want uint32
	}{
		{"truncated", request[:200], EventTruncated},
		{"option past end", msg(1, 0, 53, 4, 1), EventMalformed},
	} {
		p.ParseDatagram(applayer.ToServer, tc.in)
		if v, ok := p.Tx(p.TxCount()-1).BufferAt(applayer.ToServer, bufid.DHCPEvents, 0); !ok || uint32(v[0]) != tc.want {
			t.Errorf("%s: events %x", tc.name, v)
		}
	}
}

func TestFillEVE(t *testing.T) {
	for _, extended := range []bool{false, true} {
		p := New(extended)
		p.ParseDatagram(applayer.ToServer, request)
		p.ParseDatagram(applayer.ToClient, ack)
		p.ParseDatagram(applayer.ToServer, discover)
		var want []map[string]any
		if extended {
			want = []map[string]any{
				{"type": "request", "id": 0xdeadbeef, "client_mac": "00:11:22:33:44:55", "assigned_ip": "0.0.0.0", "client_ip": "0.0.0.0",
					"hostname": "host", "dhcp_type": "request", "requested_ip": "10.0.0.5", "params": []any{"subnet_mask", "router", "dns_server"}},
				{"type": "reply", "id": 0xdeadbeef, "client_mac": "00:11:22:33:44:55", "assigned_ip": "10.0.0.5", "client_ip": "0.0.0.0",
					"relay_ip": "0.0.0.0", "next_server_ip": "0.0.0.0", "lease_time": 3600, "rebinding_time": 3150, "renewal_time": 1800,
					"subnet_mask": "255.255.255.0", "dhcp_type": "ack", "routers": []any{"10.0.0.1"}, "dns_servers": []any{"8.8.8.8", "1.1.1.1"}},
				{"type": "request", "id": 0xdeadbeef, "client_mac": "00:11:22:33:44:55", "assigned_ip": "0.0.0.0", "client_ip": "0.0.0.0", "dhcp_type": "discover"},
			}
		} else {
			// Suricata 8's default form: acks only, renewal time kept.
			want = []map[string]any{
				nil,
				{"type": "reply", "id": 0xdeadbeef, "client_mac": "00:11:22:33:44:55", "assigned_ip": "10.0.0.5", "dhcp_type": "ack", "renewal_time": 1800},
				nil,
			}
		}
		for i, w := range want {
			if w == nil {
				var r eve.Record
				r.Type = eve.EventDHCP
				if p.Tx(i).FillEVE(&r, applayer.ToServer) {
					t.Errorf("extended=%v tx %d logged", extended, i)
				}
				continue
			}
			got := evetest.FillObject(t, eve.EventDHCP, "dhcp", func(r *eve.Record) bool { return p.Tx(i).FillEVE(r, applayer.ToServer) })
			evetest.Diff(t, "tx "+string(rune('0'+i)), got, w)
		}
		// An alert carries the extended object whatever the dhcp type's
		// setting, as in Suricata 8.
		got := evetest.FillObject(t, eve.EventAlert, "dhcp", func(r *eve.Record) bool { return p.Tx(0).FillEVE(r, applayer.ToServer) })
		if got["requested_ip"] != "10.0.0.5" || got["params"] == nil {
			t.Errorf("extended=%v: alert dhcp object %v; want the extended form", extended, got)
		}
	}
}

// TestClientID: option 61's first octet is the hardware type; the record
// logs the identifier after it, and a one-octet option logs nothing.
func TestClientID(t *testing.T) {
	for _, tc := range []struct {
		opt  []byte
		want string
	}{{[]byte{1, 0xaa, 0xbb, 0xcc}, "aa:bb:cc"}, {[]byte{0, 'r', '0'}, "72:30"}, {[]byte{1}, ""}} {
		var tx Tx
		tx.option(OptClientID, tc.opt)
		if got := mac(tx.ClientID); got != tc.want {
			t.Errorf("client id option % x: logged %q, want %q", tc.opt, got, tc.want)
		}
	}
}
