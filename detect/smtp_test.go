package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

// smtpPacket is a packet of an SMTP flow in one direction.
func smtpPacket(toServer bool) *Packet {
	p := tcpPacket("", toServer)
	p.AppProto = bufid.ProtoSMTP
	return p
}

func TestSMTPKeywords(t *testing.T) {
	mail := mapTx{
		bufid.SMTPHelo:       {"GP"},
		bufid.SMTPMailFrom:   {"<gurpartap@patriots.in>"},
		bufid.SMTPRcptTo:     {"<a@example.com>", "<raj@yahoo.co.in>"},
		bufid.EmailFrom:      {`"Gurpartap Singh" <gurpartap@patriots.in>`},
		bufid.EmailSubject:   {"SMTP"},
		bufid.EmailTo:        {"<raj@yahoo.co.in>"},
		bufid.EmailDate:      {"Mon, 5 Oct 2009 11:36:07 +0530"},
		bufid.EmailMessageID: {"<000301ca4581$ef9e57f0$cedb07d0$@in>"},
		bufid.EmailXMailer:   {"Microsoft Office Outlook 12.0"},
		bufid.EmailReceived:  {"from a by b", "from c by d"},
		bufid.FileData:       {"first attachment", "Version 4.9.9.0\r\n* New code tooltip display"},
		bufid.FileName:       {"a.bin", "NEWS.txt"},
		bufid.FileSize:       {"\x00\x00\x00\x00\x00\x00\x00\x10", "\x00\x00\x00\x00\x00\x00\x00\x2b"},
	}
	for _, tc := range []struct {
		name, rule string
		toServer   bool
		tx         mapTx
		want       bool
	}{
		{"helo", `alert smtp any any -> any any (smtp.helo; content:"GP"; bsize:2; sid:1;)`, true, mail, true},
		{"helo to client", `alert smtp any any -> any any (smtp.helo; content:"GP"; sid:1;)`, false, mail, false},
		{"mail_from", `alert smtp any any -> any any (smtp.mail_from; content:"<gurpartap@"; startswith; sid:1;)`, true, mail, true},
		{"rcpt_to second", `alert smtp any any -> any any (smtp.rcpt_to; content:"yahoo"; sid:1;)`, true, mail, true},
		{"rcpt_to across instances", `alert smtp any any -> any any (smtp.rcpt_to; content:"com><raj"; sid:1;)`, true, mail, false},
		{"email.from", `alert smtp any any -> any any (email.from; content:"Gurpartap Singh"; sid:1;)`, true, mail, true},
		{"email.subject", `alert smtp any any -> any any (email.subject; content:"SMTP"; endswith; sid:1;)`, true, mail, true},
		{"email.to", `alert smtp any any -> any any (email.to; content:"raj@"; sid:1;)`, true, mail, true},
		{"email.cc absent", `alert smtp any any -> any any (email.cc; content:"raj@"; sid:1;)`, true, mail, false},
		{"email.date", `alert smtp any any -> any any (email.date; content:"2009"; sid:1;)`, true, mail, true},
		{"email.message_id", `alert smtp any any -> any any (email.message_id; content:"$@in>"; endswith; sid:1;)`, true, mail, true},
		{"email.x_mailer", `alert smtp any any -> any any (email.x_mailer; content:"Outlook"; sid:1;)`, true, mail, true},
		{"email.received", `alert smtp any any -> any any (email.received; content:"from c"; startswith; sid:1;)`, true, mail, true},
		{"file_data second file", `alert smtp any any -> any any (flow:to_server; file_data; content:"tooltip"; sid:1;)`, true, mail, true},
		{"file_data strip_whitespace", `alert smtp any any -> any any (file.data; strip_whitespace; content:"Version4.9.9.0"; sid:1;)`, true, mail, true},
		{"file_data one file at a time", `alert smtp any any -> any any (file.data; content:"first"; content:"tooltip"; distance:0; sid:1;)`, true, mail, false},
		{"file_data startswith each", `alert smtp any any -> any any (file.data; content:"Version"; startswith; sid:1;)`, true, mail, true},
		{"file.name", `alert smtp any any -> any any (file.name; content:"NEWS.txt"; sid:1;)`, true, mail, true},
		{"filename", `alert smtp any any -> any any (filename:"news.TXT"; sid:1;)`, true, mail, true},
		{"fileext", `alert smtp any any -> any any (fileext:"bin"; sid:1;)`, true, mail, true},
		{"filesize second", `alert smtp any any -> any any (filesize:43; sid:1;)`, true, mail, true},
		{"filesize none", `alert smtp any any -> any any (filesize:>100; sid:1;)`, true, mail, false},
		{"smtp and email together", `alert smtp any any -> any any (smtp.mail_from; content:"patriots"; email.subject; content:"SMTP"; file.name; content:"NEWS"; sid:1;)`, true, mail, true},
		{"no mail", `alert smtp any any -> any any (email.subject; content:"SMTP"; sid:1;)`, true, mapTx{}, false},
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
			got := len(m.MatchTx(smtpPacket(tc.toServer), tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSMTPRuleProtocols checks which app-layer protocol rules using the
// SMTP and file buffers end up with: file buffers keep an smtp rule
// smtp (and an http rule http), smtp and email buffers make a rule smtp
// and cannot mix with another protocol's buffers.
func TestSMTPRuleProtocols(t *testing.T) {
	for _, tc := range []struct {
		rule   string
		loaded bool
		proto  string
	}{
		{`alert smtp any any -> any any (file_data; content:"x"; sid:1;)`, true, "smtp"},
		{`alert smtp any any -> any any (file.name; content:"x"; filemd5:!` + "/nonexistent" + `; sid:1;)`, false, ""},
		{`alert http any any -> any any (file_data; content:"x"; sid:1;)`, true, "http"},
		{`alert tcp any any -> any any (email.subject; content:"x"; sid:1;)`, true, "smtp"},
		{`alert tcp any any -> any any (smtp.rcpt_to; content:"x"; file.data; content:"y"; sid:1;)`, true, "smtp"},
		{`alert http any any -> any any (smtp.helo; content:"x"; sid:1;)`, false, ""},
		{`alert smtp any any -> any any (http.uri; content:"x"; sid:1;)`, false, ""},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, tc.rule)
			if got := rep.Loaded == 1; got != tc.loaded {
				t.Fatalf("loaded %v, want %v (%v %v)", got, tc.loaded, rep.Skipped, rep.Errors)
			}
			if tc.loaded && e.sigs[0].appProto != protoOf(tc.proto) {
				t.Errorf("protocol %q, want %q", e.sigs[0].appProto, tc.proto)
			}
		})
	}
}
