package ldap

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/internal/testutil"
	"vigil/output/eve"
)

// FuzzParse feeds the input as a datagram and as both directions of a
// TCP stream split every step bytes, and checks that nothing panics,
// every buffer lies within the input and the EVE record encodes.
func FuzzParse(f *testing.F) {
	for _, b := range testutil.Seeds(f, "testdata/*.tcp") {
		f.Add(b, uint8(0))
	}
	for _, m := range [][]byte{bindReq, bindSASL, bindResp, bindRespErr, searchReq, entry1, entry2, searchDone,
		modifyReq, addReq, delReq, modDNReq, compareReq, abandonReq, extReq, extResp, unbindReq, notice} {
		f.Add(m, uint8(3))
	}
	f.Fuzz(func(t *testing.T, msg []byte, step uint8) {
		p := New()
		p.ParseDatagram(applayer.ToServer, msg)
		n := max(int(step), 1)
		for i := 0; i < len(msg); i += n {
			p.Parse(applayer.ToServer, msg[i:min(i+n, len(msg))])
			p.Parse(applayer.ToClient, msg[i:min(i+n, len(msg))])
		}
		for i := 0; i < p.TxCount(); i++ {
			tx := p.Tx(i)
			for b := bufid.LDAPRequestOperation; b <= bufid.LDAPEvents; b++ {
				for j := 0; ; j++ {
					v, ok := tx.BufferAt(applayer.ToClient, b, j)
					if !ok {
						break
					}
					if b != bufid.LDAPResponsesOperation && b != bufid.LDAPResponsesResultCode && len(v) > len(msg) {
						t.Fatalf("%v of %d bytes from %d", b, len(v), len(msg))
					}
					if j > len(msg) {
						t.Fatalf("%v has %d instances from %d bytes", b, j, len(msg))
					}
				}
			}
			var r eve.Record
			r.Type = eve.EventLDAP
			tx.FillEVE(&r, applayer.ToServer)
			(&eve.Encoder{}).Encode(&r)
		}
	})
}
