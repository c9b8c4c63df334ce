package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

// ifaceRec builds a bufid.DCERPCIface record: UUID (text order), version LE,
// flags.
func ifaceRec(uuid string, ver uint16, flags byte) string {
	it, err := parseDceIface(uuid)
	if err != nil {
		panic(err)
	}
	return string(it.uuid[:]) + string([]byte{byte(ver), byte(ver >> 8), flags})
}

func TestParseDceArgs(t *testing.T) {
	for _, bad := range []string{"", "1234", "12345678-1234-1234-1234-12345678901z", "12345678-1234-1234-1234-123456789012,~1",
		"12345678-1234-1234-1234-123456789012,=1,=2"} {
		if _, err := parseDceIface(bad); err == nil {
			t.Errorf("parseDceIface(%q) accepted", bad)
		}
	}
	for _, bad := range []string{"", "x", "5-2", "1,,2", "70000"} {
		if _, err := parseDceOpnum(bad); err == nil {
			t.Errorf("parseDceOpnum(%q) accepted", bad)
		}
	}
	it, err := parseDceOpnum("10, 20-22,89")
	if err != nil || len(it.ranges) != 3 || it.ranges[1] != [2]uint16{20, 22} {
		t.Fatalf("parseDceOpnum = %+v, %v", it, err)
	}
}

// TestDceKeywords runs dcerpc.iface, dcerpc.opnum and dcerpc.stub_data
// (with byte_test dce) over transaction views of dcerpc and smb flows.
func TestDceKeywords(t *testing.T) {
	const uuid = "12345678-1234-abcd-ef00-0123456789ab"
	little := mapTx{
		bufid.DCERPCIface:    {ifaceRec(uuid, 1, 1)},
		bufid.DCERPCOpnum:    {"\x0a\x00"},
		bufid.DCERPCStubData: {"AB\x01\x02CD"},
		bufid.DCERPCEndian:   {"\x00"},
	}
	big := mapTx{
		bufid.DCERPCIface:    {ifaceRec(uuid, 1, 0)}, // bind without first-frag flag
		bufid.DCERPCOpnum:    {"\x59\x00"},
		bufid.DCERPCStubData: {"AB\x01\x02CD"},
		bufid.DCERPCEndian:   {"\x01"},
	}
	for _, tc := range []struct {
		name, rule, proto string
		tx                mapTx
		want              bool
	}{
		{"iface", `alert dcerpc any any -> any any (dcerpc.iface:` + uuid + `; sid:1;)`, "dcerpc", little, true},
		{"iface other uuid", `alert dcerpc any any -> any any (dcerpc.iface:12345678-1234-abcd-ef00-0123456789ac; sid:1;)`, "dcerpc", little, false},
		{"iface version =1", `alert tcp any any -> any any (dce_iface:` + uuid + `,=1; sid:1;)`, "dcerpc", little, true},
		{"iface version <1", `alert tcp any any -> any any (dce_iface:` + uuid + `,<1; sid:1;)`, "dcerpc", little, false},
		{"iface no first frag", `alert dcerpc any any -> any any (dcerpc.iface:` + uuid + `; sid:1;)`, "dcerpc", big, false},
		{"iface any_frag", `alert dcerpc any any -> any any (dcerpc.iface:` + uuid + `,any_frag; sid:1;)`, "dcerpc", big, true},
		{"dcerpc rule on smb", `alert dcerpc any any -> any any (dcerpc.iface:` + uuid + `; sid:1;)`, "smb", little, true},
		{"smb rule with iface", `alert smb any any -> any any (dcerpc.iface:` + uuid + `; sid:1;)`, "smb", little, true},
		{"smb rule not on dcerpc", `alert smb any any -> any any (dcerpc.iface:` + uuid + `; sid:1;)`, "dcerpc", little, false},
		{"opnum", `alert dcerpc any any -> any any (dcerpc.opnum:1,10-12; sid:1;)`, "dcerpc", little, true},
		{"opnum miss", `alert dcerpc any any -> any any (dcerpc.opnum:11-12; sid:1;)`, "dcerpc", little, false},
		{"stub little", `alert tcp any any -> any any (dce_stub_data; content:"AB"; byte_test:2,=,0x0201,0,relative,dce; sid:1;)`, "dcerpc", little, true},
		{"stub big", `alert tcp any any -> any any (dce_stub_data; content:"AB"; byte_test:2,=,0x0102,0,relative,dce; sid:1;)`, "dcerpc", big, true},
		{"stub big wrong", `alert tcp any any -> any any (dce_stub_data; content:"AB"; byte_test:2,=,0x0201,0,relative,dce; sid:1;)`, "dcerpc", big, false},
		{"named pipe", `alert smb any any -> any any (smb.named_pipe; content:"IPC$"; sid:1;)`, "smb", mapTx{bufid.SMBNamedPipe: {`\\host\IPC$`}}, true},
		{"share", `alert smb any any -> any any (smb_share; content:"C$"; sid:1;)`, "smb", mapTx{bufid.SMBNamedPipe: {`\\host\C$`}}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, tc.rule)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
			}
			m, err := e.NewMatcher()
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			p := tcpPacket("", true)
			p.AppProto = protoOf(tc.proto)
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestDceOverUDP: a Snort 3 rule for connectionless DCERPC (alert udp with
// dce_iface, dce_opnum, dce_stub_data and a dce byte_test) loads and
// matches a call of a UDP dcerpc flow.
func TestDceOverUDP(t *testing.T) {
	const uuid = "975201b0-59ca-11d0-a8d5-00a0c90d8051"
	e, rep := compileDialect(t, ruleparser.DialectSnort3, `alert udp any any -> any [135,1024:] ( msg:"x"; dce_iface:uuid `+uuid+`; dce_opnum:"4"; dce_stub_data; byte_test:4,>,128,8,dce; service:dcerpc; sid:1; )`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	call := func(opnum, n byte) mapTx {
		return mapTx{
			bufid.DCERPCIface:    {ifaceRec(uuid, 1, 1)},
			bufid.DCERPCOpnum:    {string([]byte{opnum, 0})},
			bufid.DCERPCStubData: {"\x00\x00\x00\x00\x00\x00\x00\x00" + string([]byte{n, 1, 0, 0})},
			bufid.DCERPCEndian:   {"\x00"},
		}
	}
	for _, tc := range []struct {
		name string
		tx   mapTx
		want bool
	}{
		{"overflow", call(4, 0), true}, // 0x100 > 128
		{"other opnum", call(5, 0), false},
		{"small length", mapTx{bufid.DCERPCIface: {ifaceRec(uuid, 1, 1)}, bufid.DCERPCOpnum: {"\x04\x00"},
			bufid.DCERPCStubData: {"\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00"}, bufid.DCERPCEndian: {"\x00"}}, false},
	} {
		p := tcpPacket("", true)
		p.Proto, p.DstPort, p.AppProto = 17, 135, bufid.ProtoDCERPC
		if got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0; got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}
