package dcerpc

import (
	"encoding/hex"
	"strings"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// clPDU builds a big-endian connectionless header of packet type ptype
// with activity UUID act and sequence number seq (the dcerpc-udp-scapy
// capture's shape), followed by stub.
func clPDU(t *testing.T, ptype byte, act string, seq byte, stub string) []byte {
	t.Helper()
	h, err := hex.DecodeString("04" + hex.EncodeToString([]byte{ptype}) + "0100000000" + "00" +
		strings.Repeat("11", 16) + strings.Repeat("22", 16) + act +
		"00000000" + "00000001" + "000000" + hex.EncodeToString([]byte{seq}) + "0000" + "ffff" + "ffff" +
		"00" + hex.EncodeToString([]byte{byte(len(stub))}) + "0000" + "00" + "00")
	if err != nil || len(h) != UDPHeaderLen {
		t.Fatalf("header of %d bytes: %v", len(h), err)
	}
	return append(h, stub...)
}

// TestUDPTransactions checks connectionless DCERPC: a REQUEST starts a
// transaction keyed by activity and sequence number, the RESPONSE with
// the same keys completes it (here in the same direction, as in the
// capture), and the record has Suricata's fields.
func TestUDPTransactions(t *testing.T) {
	const act = "4e32dcddd8034eaf86ee7650df599e40"
	p := New()
	p.ParseDatagram(applayer.ToServer, clPDU(t, 0, act, 0, "abc"))
	p.ParseDatagram(applayer.ToServer, clPDU(t, 0, act, 2, ""))
	if p.TxCount() != 2 || p.st.TxAt(0).Complete(applayer.ToClient) {
		t.Fatalf("%d transactions (want 2), first complete before its response", p.TxCount())
	}
	p.ParseDatagram(applayer.ToServer, clPDU(t, 2, act, 0, "de"))
	tx := p.st.TxAt(0)
	if !tx.Complete(applayer.ToServer) || !tx.Complete(applayer.ToClient) {
		t.Fatal("response did not complete the transaction of its sequence number")
	}
	if p.st.TxAt(1).RespDone {
		t.Error("response completed another sequence number's transaction")
	}
	got := evetest.FillObject(t, eve.EventDCERPC, "dcerpc", func(r *eve.Record) bool {
		return tx.FillEVE(r, applayer.ToServer)
	})
	evetest.Diff(t, "udp", got, map[string]any{"request": "REQUEST", "response": "RESPONSE",
		"req":          map[string]any{"opnum": 0, "frag_cnt": 1, "stub_data_size": 3},
		"res":          map[string]any{"frag_cnt": 1, "stub_data_size": 2},
		"activityuuid": "dddc324e-03d8-af4e-86ee-7650df599e40", "seqnum": 0, "rpc_version": "4.0"})
}
