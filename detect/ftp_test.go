package detect

import (
	"net/netip"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

// ftpPacket is a packet of an FTP flow in one direction.
func ftpPacket(toServer bool) *Packet {
	p := tcpPacket("", toServer)
	p.AppProto = bufid.ProtoFTP
	return p
}

func TestFTPKeywords(t *testing.T) {
	port := mapTx{
		bufid.FTPCommand:        {"PORT"},
		bufid.FTPCommandData:    {"192,168,0,13,234,10"},
		bufid.FTPCompletionCode: {"200"},
		bufid.FTPReply:          {"PORT command successful"},
		bufid.FTPDynamicPort:    {"\xea\x0a"}, // 59914
		bufid.FTPMode:           {"\x01"},
		bufid.FTPReplyReceived:  {"\x01\x01"},
	}
	retr := mapTx{
		bufid.FTPCommand:        {"RETR"},
		bufid.FTPCommandData:    {"temp.txt"},
		bufid.FTPCompletionCode: {"150", "226"},
		bufid.FTPReply:          {"Opening BINARY mode data connection for temp.txt", "Transfer complete."},
		bufid.FTPDynamicPort:    {"\x00\x00"},
		bufid.FTPReplyReceived:  {"\x01\x01"},
	}
	for _, tc := range []struct {
		name, rule string
		toServer   bool
		tx         mapTx
		want       bool
	}{
		{"command", `alert ftp any any -> any any (ftp.command; content:"PORT"; sid:1;)`, true, port, true},
		{"command other", `alert ftp any any -> any any (ftp.command; content:"USER"; sid:1;)`, true, port, false},
		{"command_data", `alert ftp any any -> any any (ftp.command; content:"PORT"; ftp.command_data; content:"192,168,0,13"; sid:1;)`, true, port, true},
		{"completion_code second", `alert ftp any any -> any any (ftp.completion_code; content:"226"; sid:1;)`, false, retr, true},
		{"completion_code bsize", `alert ftp any any -> any any (ftp.completion_code; bsize:3; content:"15"; startswith; sid:1;)`, false, retr, true},
		{"reply", `alert ftp any any -> any any (ftp.reply; content:"Transfer complete."; sid:1;)`, false, retr, true},
		{"reply not in one line", `alert ftp any any -> any any (ftp.reply; content:"temp.txtTransfer"; sid:1;)`, false, retr, false},
		{"dynamic_port", `alert ftp any any -> any any (ftp.dynamic_port:59914; sid:1;)`, true, port, true},
		{"dynamic_port range", `alert ftp any any -> any any (ftp.dynamic_port:59913-59915; sid:1;)`, false, port, true},
		{"dynamic_port exclusive range", `alert ftp any any -> any any (ftp.dynamic_port:59914-59915; sid:1;)`, false, port, false},
		{"dynamic_port >=", `alert ftp any any -> any any (ftp.dynamic_port:>=1024; sid:1;)`, true, port, true},
		{"dynamic_port none", `alert ftp any any -> any any (ftp.dynamic_port:0; sid:1;)`, true, retr, true},
		{"mode active", `alert ftp any any -> any any (ftp.command; content:"PORT"; ftp.mode:active; sid:1;)`, true, port, true},
		{"mode passive", `alert ftp any any -> any any (ftp.mode:passive; sid:1;)`, true, port, false},
		{"mode without port", `alert ftp any any -> any any (ftp.mode:passive; sid:1;)`, true, retr, false},
		{"reply_received yes", `alert ftp any any -> any any (ftp.reply_received:yes; sid:1;)`, false, retr, true},
		{"reply_received 1", `alert ftp any any -> any any (ftp.reply_received:1; sid:1;)`, false, retr, true},
		{"reply_received no", `alert ftp any any -> any any (ftp.reply_received:off; sid:1;)`, false, retr, false},
		{"no buffers", `alert ftp any any -> any any (ftp.reply_received:yes; sid:1;)`, false, mapTx{}, false},
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
			got := len(m.MatchTx(ftpPacket(tc.toServer), tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFTPKeywordErrors(t *testing.T) {
	for _, rule := range []string{
		`alert ftp any any -> any any (ftp.dynamic_port:70000; sid:1;)`,
		`alert http any any -> any any (ftp.command; content:"USER"; sid:1;)`,
		`alert ftp any any -> any any (ftpdata_command:retr; sid:1;)`,
	} {
		_, rep := compileText(t, mpm.Reference{}, rule)
		if rep.Loaded != 0 {
			t.Errorf("loaded: %s", rule)
		}
	}
}

// TestFTPReplyReceivedNo: "no" matches a command waiting for its final
// reply once a preliminary reply came, or at its last inspection; never
// before the server said anything while more may come.
func TestFTPReplyReceivedNo(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `alert ftp any any -> any any (ftp.reply_received:no; sid:1;)`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v", rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	down := ftpPacket(false)
	for _, tc := range []struct {
		name  string
		rcvd  string
		final bool
		want  bool
	}{
		{"waiting", "\x00\x00", false, false},
		{"preliminary reply", "\x00\x01", false, true},
		{"unanswered at the end", "\x00\x00", true, true},
		{"answered", "\x01\x01", true, false},
	} {
		tx := mapTx{bufid.FTPCommand: {"RETR"}, bufid.FTPReplyReceived: {tc.rcvd}}
		got := len(m.MatchTx(down, tx, 0, tc.final, &TxState{}, nil)) > 0
		if got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestFTPBounce: ftpbounce matches a PORT address other than the
// client's, on the request side.
func TestFTPBounce(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `alert tcp any any -> any any (msg:"bounce"; ftpbounce; sid:1;)`)
	if rep.Loaded != 1 {
		t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for _, tc := range []struct {
		name   string
		client string
		addr   string
		want   bool
	}{
		{"own address", "10.0.0.5", "\x0a\x00\x00\x05", false},
		{"other address", "10.0.0.5", "\x02\x02\x02\x03", true},
		{"mapped client", "::ffff:10.0.0.5", "\x0a\x00\x00\x05", false},
		{"ipv6 client", "2001:db8::1", "\x20\x01\x0d\xb8", false},
	} {
		up := ftpPacket(true)
		up.Src = netip.MustParseAddr(tc.client)
		tx := mapTx{bufid.FTPCommand: {"PORT"}, bufid.FTPBounce: {tc.addr}}
		got := len(m.MatchTx(up, tx, 0, true, &TxState{}, nil)) > 0
		if got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	// Not a PORT command (no address): no match.
	if got := m.MatchTx(ftpPacket(true), mapTx{bufid.FTPCommand: {"PORT"}}, 0, true, &TxState{}, nil); len(got) != 0 {
		t.Errorf("without address: %v", sids(got))
	}
}

// TestTxBothDirections: a rule with a request buffer and a response
// buffer stays a candidate after the request side's final inspection and
// fires once the response matches, even when its fast pattern is in the
// request; a later one-sided buffer does not make it one-sided.
func TestTxBothDirections(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert ftp any any -> any any (ftp.command; content:"RETR"; ftp.completion_code; content:"226"; sid:1;)
alert ftp any any -> any any (ftp.command; content:"RETR"; ftp.completion_code; content:"226"; ftp.command_data; content:"a.txt"; sid:2;)
`)
	if rep.Loaded != 2 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m, err := e.NewMatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var st TxState
	tx := mapTx{bufid.FTPCommand: {"RETR"}, bufid.FTPCommandData: {"a.txt"}}
	if got := m.MatchTx(ftpPacket(true), tx, 0, true, &st, nil); len(got) != 0 {
		t.Fatalf("request: %v", sids(got))
	}
	tx[bufid.FTPCompletionCode] = []string{"150"}
	if got := m.MatchTx(ftpPacket(false), tx, 0, false, &st, nil); len(got) != 0 {
		t.Fatalf("preliminary reply: %v", sids(got))
	}
	tx[bufid.FTPCompletionCode] = []string{"150", "226"}
	if got := sids(m.MatchTx(ftpPacket(false), tx, 0, true, &st, nil)); !equal(got, 1, 2) {
		t.Errorf("final reply: %v, want [1 2]", got)
	}
	if got := m.MatchTx(ftpPacket(true), tx, 0, true, &st, nil); len(got) != 0 {
		t.Errorf("again: %v", sids(got))
	}
}

// TestFTPDataCommand: ftpdata_command reads the 1-byte command of an
// ftp-data transaction (1 RETR, 2 STOR) in either direction; file buffers
// work on ftp-data rules.
func TestFTPDataCommand(t *testing.T) {
	retr := mapTx{bufid.FTPDataCommand: {"\x01"}, bufid.FileName: {"temp.txt"}}
	stor := mapTx{bufid.FTPDataCommand: {"\x02"}, bufid.FileName: {"up.bin"}}
	none := mapTx{bufid.FileName: {"list"}}
	for _, tc := range []struct {
		name, rule string
		toServer   bool
		tx         mapTx
		want       bool
	}{
		{"retr", `alert ftp-data any any -> any any (ftpdata_command:retr; sid:1;)`, false, retr, true},
		{"retr to_server", `alert ftp-data any any -> any any (ftpdata_command:retr; sid:1;)`, true, retr, true},
		{"retr on stor", `alert ftp-data any any -> any any (ftpdata_command:retr; sid:1;)`, true, stor, false},
		{"stor", `alert ftp-data any any -> any any (ftpdata_command:stor; sid:1;)`, true, stor, true},
		{"no command", `alert ftp-data any any -> any any (ftpdata_command:stor; sid:1;)`, true, none, false},
		{"tcp rule", `alert tcp any any -> any any (ftpdata_command:stor; sid:1;)`, true, stor, true},
		{"file.name", `alert ftp-data any any -> any any (file.name; content:"temp.txt"; sid:1;)`, false, retr, true},
		{"fileext", `alert ftp-data any any -> any any (fileext:"bin"; sid:1;)`, false, stor, true},
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
			p := tcpPacket("", tc.toServer)
			p.AppProto = bufid.ProtoFTPData
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
