package smtp

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

const (
	up   = applayer.ToServer
	down = applayer.ToClient
)

// step is one delivery of a session: bytes of one direction.
type step struct {
	dir  applayer.Direction
	data string
}

func c(s string) step { return step{up, s} }
func s(s string) step { return step{down, s} }

// run feeds the steps to a new parser, each step in pieces of n bytes (0:
// whole).
func run(t *testing.T, cfg Config, n int, steps ...step) *Parser {
	t.Helper()
	p := New(cfg)
	for _, st := range steps {
		b := []byte(st.data)
		if n <= 0 {
			p.Parse(st.dir, b)
			continue
		}
		for i := 0; i < len(b); i += n {
			p.Parse(st.dir, b[i:min(i+n, len(b))])
		}
	}
	return p
}

func buf(tx *Tx, b applayer.BufferID, i int) string {
	v, ok := tx.BufferAt(up, b, i)
	if !ok {
		return "<none>"
	}
	return string(v)
}

func md5s(s string) string {
	sum := md5.Sum([]byte(s))
	return string(sum[:])
}

func sizeBE(n uint64) string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return string(b[:])
}

// multipartMail is a message with a quoted-printable text body, an
// alternative HTML body and a base64 attachment, the attachment's name
// split by RFC 2231 continuations; the body has a dot-stuffed line.
const multipartMail = "From: \"Alice\" <alice@example.com>\r\n" +
	"To: <bob@example.net>,\r\n" +
	"\t<carol@example.net>\r\n" +
	"Subject: report\r\n" +
	"Date: Mon, 5 Oct 2009 11:36:07 +0530\r\n" +
	"Message-ID: <1234@example.com>\r\n" +
	"X-Mailer: Handwritten 1.0\r\n" +
	"Received: from a.example by b.example\r\n" +
	"Received: from c.example by d.example\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed;\r\n" +
	"\tboundary=\"==outer==\"\r\n" +
	"\r\n" +
	"This is a multipart message.\r\n" +
	"--==outer==\r\n" +
	"Content-Type: text/plain; charset=us-ascii\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Hello Bob, see the attachment =3D report.\r\n" +
	"..leading dot line\r\n" +
	"--==outer==\r\n" +
	"Content-Type: application/octet-stream\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"Content-Disposition: attachment;\r\n" +
	"\tfilename*0=\"rep\"; filename*1=\"ort.bin\"\r\n" +
	"\r\n" +
	"aGVsbG8gd29y\r\n" +
	"bGQhCg==\r\n" +
	"--==outer==--\r\n" +
	"epilogue\r\n"

func session(mail string) []step {
	return []step{
		s("220 mx.example.net ESMTP\r\n"),
		c("EHLO client.example.com\r\n"),
		s("250-mx.example.net\r\n250-SIZE 1000000\r\n250 HELP\r\n"),
		c("MAIL FROM:<alice@example.com> SIZE=1234\r\n"),
		s("250 OK\r\n"),
		c("RCPT TO:<bob@example.net>\r\n"),
		s("250 OK\r\n"),
		c("RCPT TO:<carol@example.net>\r\n"),
		s("250 OK\r\n"),
		c("DATA\r\n"),
		s("354 go ahead\r\n"),
		c(mail + ".\r\n"),
		s("250 queued\r\n"),
		c("QUIT\r\n"),
		s("221 bye\r\n"),
	}
}

func TestMultipartBase64Attachment(t *testing.T) {
	for _, n := range []int{0, 1, 7, 100} {
		t.Run(fmt.Sprintf("pieces of %d", n), func(t *testing.T) {
			p := run(t, Config{}, n, session(multipartMail)...)
			if p.TxCount() != 1 {
				t.Fatalf("%d transactions, want 1", p.TxCount())
			}
			tx := p.Tx(0)
			if !tx.Complete(up) || !tx.Complete(down) {
				t.Error("transaction not complete")
			}
			for _, tc := range []struct {
				b    applayer.BufferID
				i    int
				want string
			}{
				{bufid.SMTPHelo, 0, "client.example.com"},
				{bufid.SMTPMailFrom, 0, "<alice@example.com>"},
				{bufid.SMTPRcptTo, 0, "<bob@example.net>"},
				{bufid.SMTPRcptTo, 1, "<carol@example.net>"},
				{bufid.SMTPRcptTo, 2, "<none>"},
				{bufid.EmailFrom, 0, `"Alice" <alice@example.com>`},
				{bufid.EmailTo, 0, "<bob@example.net>,<carol@example.net>"},
				{bufid.EmailSubject, 0, "report"},
				{bufid.EmailDate, 0, "Mon, 5 Oct 2009 11:36:07 +0530"},
				{bufid.EmailMessageID, 0, "<1234@example.com>"},
				{bufid.EmailXMailer, 0, "Handwritten 1.0"},
				{bufid.EmailCc, 0, "<none>"},
				{bufid.EmailReceived, 0, "from a.example by b.example"},
				{bufid.EmailReceived, 1, "from c.example by d.example"},
				{bufid.EmailReceived, 2, "<none>"},
				// The text body is not a file, the attachment is.
				{bufid.FileName, 0, "report.bin"},
				{bufid.FileData, 0, "hello world!\n"},
				{bufid.FileMD5, 0, md5s("hello world!\n")},
				{bufid.FileSize, 0, sizeBE(13)},
				{bufid.FileData, 1, "<none>"},
			} {
				if got := buf(tx, tc.b, tc.i); got != tc.want {
					t.Errorf("%v[%d] = %q, want %q", tc.b, tc.i, got, tc.want)
				}
			}
			if v, ok := tx.BufferAt(down, bufid.FileData, 0); ok {
				t.Errorf("file.data to the client: %q", v)
			}
		})
	}
}

func TestQuotedPrintableAttachment(t *testing.T) {
	mail := "Subject: qp\r\n" +
		"Content-Type: multipart/mixed; boundary=b1\r\n" +
		"\r\n" +
		"--b1\r\n" +
		"Content-Type: text/plain; name=\"notes.txt\"\r\n" +
		"Content-Transfer-Encoding: Quoted-Printable\r\n" +
		"\r\n" +
		"a =3D b=\r\n" +
		" continued=20\r\n" +
		"..dot\r\n" +
		"bad =ZZ escape and lower =3d\r\n" +
		"--b1\r\n" +
		"Content-Disposition: attachment; filename=plain.txt\r\n" +
		"\r\n" +
		"line one\r\n" +
		"line two\r\n" +
		"--b1--\r\n"
	p := run(t, Config{}, 0, session(mail)...)
	tx := p.Tx(0)
	for _, tc := range []struct {
		b    applayer.BufferID
		i    int
		want string
	}{
		{bufid.FileName, 0, "notes.txt"}, // Content-Type name, no disposition
		{bufid.FileData, 0, "a = b continued \r\n.dot\r\nbad =ZZ escape and lower =\r\n"},
		{bufid.FileName, 1, "plain.txt"},
		// The end of line before the boundary belongs to the boundary.
		{bufid.FileData, 1, "line one\r\nline two"},
		{bufid.FileSize, 1, sizeBE(18)},
	} {
		if got := buf(tx, tc.b, tc.i); got != tc.want {
			t.Errorf("%v[%d] = %q, want %q", tc.b, tc.i, got, tc.want)
		}
	}
}

func TestPipelining(t *testing.T) {
	mail1 := "Subject: one\r\nContent-Type: text/plain; name=a.txt\r\n\r\nfirst\r\n"
	mail2 := "Subject: two\r\n\r\nbody\r\n"
	p := run(t, Config{}, 0,
		s("220 mx ESMTP\r\n"),
		c("EHLO me\r\n"),
		s("250-mx\r\n250-PIPELINING\r\n250 8BITMIME\r\n"),
		// The whole mail goes before any reply: the server announced
		// PIPELINING, so DATA enters data mode without waiting for 354.
		c("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"+mail1+".\r\n"),
		s("250 ok\r\n250 ok\r\n354 go\r\n250 queued\r\n"),
		c("RSET\r\n"),
		s("250 reset\r\n"),
		c("MAIL FROM:<c@x>\r\nRCPT TO:<d@y>\r\nRCPT TO:<e@y>\r\nDATA\r\n"),
		s("250 ok\r\n250 ok\r\n550 no such user\r\n354 go\r\n"),
		c(mail2+".\r\nQUIT\r\n"),
		s("250 queued\r\n221 bye\r\n"),
	)
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions, want 2", p.TxCount())
	}
	t1, t2 := p.Tx(0), p.Tx(1)
	for _, tc := range []struct {
		tx   *Tx
		b    applayer.BufferID
		i    int
		want string
	}{
		{t1, bufid.SMTPMailFrom, 0, "<a@x>"},
		{t1, bufid.EmailSubject, 0, "one"},
		{t1, bufid.FileData, 0, "first"},
		{t2, bufid.SMTPHelo, 0, "me"}, // the flow's HELO, on every transaction
		{t2, bufid.SMTPMailFrom, 0, "<c@x>"},
		{t2, bufid.SMTPRcptTo, 1, "<e@y>"},
		{t2, bufid.EmailSubject, 0, "two"},
		{t2, bufid.FileData, 0, "<none>"},
	} {
		if got := buf(tc.tx, tc.b, tc.i); got != tc.want {
			t.Errorf("tx %d %v[%d] = %q, want %q", tc.tx.ID(), tc.b, tc.i, got, tc.want)
		}
	}
	if !t1.Done() || !t2.Done() {
		t.Error("transactions not done")
	}
	if len(p.cmds) != 0 {
		t.Errorf("%d commands still wait for a reply", len(p.cmds))
	}
}

func TestNoPipeliningWaitsFor354(t *testing.T) {
	// Without PIPELINING, lines before the 354 are commands: a client that
	// does not wait sends its mail as commands.
	p := run(t, Config{}, 0,
		s("220 mx\r\n"),
		c("HELO me\r\nMAIL FROM:<a@x>\r\nDATA\r\nSubject: early\r\n\r\n.\r\n"),
		s("250 hi\r\n250 ok\r\n354 go\r\n"),
		c("Subject: late\r\n\r\nbody\r\n.\r\n"),
		s("250 queued\r\n"),
	)
	tx := p.Tx(0)
	if got := buf(tx, bufid.EmailSubject, 0); got != "late" {
		t.Errorf("subject %q, want %q", got, "late")
	}
}

func TestDataRejected(t *testing.T) {
	p := run(t, Config{}, 0,
		s("220 mx\r\n"),
		c("EHLO me\r\n"),
		s("250-mx\r\n250 PIPELINING\r\n"),
		c("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\nDATA\r\n"),
		s("250 ok\r\n550 unknown user\r\n554 no valid recipients\r\n"),
		c("MAIL FROM:<c@x>\r\n"),
	)
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions, want 2", p.TxCount())
	}
	if !p.Tx(0).Done() || p.data {
		t.Error("rejected DATA did not end the mail")
	}
	if got := buf(p.Tx(1), bufid.SMTPMailFrom, 0); got != "<c@x>" {
		t.Errorf("second mail from %q", got)
	}
}

func TestSTARTTLS(t *testing.T) {
	p := run(t, Config{}, 0,
		s("220 mx\r\n"),
		c("EHLO me\r\n"),
		s("250-mx\r\n250 STARTTLS\r\n"),
		c("STARTTLS\r\n"),
		s("220 go ahead\r\n"),
		c("\x16\x03\x01\x00\x05hello\r\nMAIL FROM:<hidden@x>\r\n"),
		s("\x16\x03\x03\x00\x02hi\r\n"),
	)
	if p.State()&applayer.StateEncrypted == 0 {
		t.Fatal("flow not encrypted after STARTTLS")
	}
	if p.TxCount() != 1 || !p.Tx(0).Done() {
		t.Fatalf("%d transactions, first done %v", p.TxCount(), p.Tx(0).Done())
	}
	if got := buf(p.Tx(0), bufid.SMTPMailFrom, 0); got != "<none>" {
		t.Errorf("parsed after STARTTLS: mail from %q", got)
	}
}

func TestSTARTTLSRefused(t *testing.T) {
	p := run(t, Config{}, 0,
		s("220 mx\r\n"),
		c("EHLO me\r\nSTARTTLS\r\n"),
		s("250 mx\r\n454 TLS not available\r\n"),
		c("MAIL FROM:<a@x>\r\n"),
	)
	if p.State() != 0 {
		t.Fatalf("state %v", p.State())
	}
	if got := buf(p.Tx(0), bufid.SMTPMailFrom, 0); got != "<a@x>" {
		t.Errorf("mail from %q", got)
	}
}

func TestNestedMultipart(t *testing.T) {
	mail := "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n" +
		"--outer\r\n" +
		"Content-Type: multipart/related; boundary=inner\r\n\r\n" +
		"--inner\r\n" +
		"Content-Type: text/html\r\n\r\n" +
		"<img src=cid:x>\r\n" +
		"--inner\r\n" +
		"Content-Type: image/png; name=\"img.png\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" +
		"iVBORw==\r\n" +
		"--inner--\r\n" +
		"--outer\r\n" +
		"Content-Disposition: attachment; FileName=\"doc.txt\"\r\n\r\n" +
		"text\r\n" +
		"--outer--\r\n"
	p := run(t, Config{}, 3, session(mail)...)
	tx := p.Tx(0)
	if len(tx.Files) != 2 {
		t.Fatalf("%d files, want 2", len(tx.Files))
	}
	for _, tc := range []struct {
		b    applayer.BufferID
		i    int
		want string
	}{
		{bufid.FileName, 0, "img.png"},
		{bufid.FileData, 0, "\x89PNG"},
		{bufid.FileName, 1, "doc.txt"},
		{bufid.FileData, 1, "text"},
	} {
		if got := buf(tx, tc.b, tc.i); got != tc.want {
			t.Errorf("%v[%d] = %q, want %q", tc.b, tc.i, got, tc.want)
		}
	}
}

func TestNestingDepthBound(t *testing.T) {
	var b strings.Builder
	// Boundaries "lvl00." ...: none is a prefix of another.
	b.WriteString("Content-Type: multipart/mixed; boundary=lvl00.\r\n\r\n")
	for i := 1; i <= MaxDepth+3; i++ {
		fmt.Fprintf(&b, "--lvl%02d.\r\nContent-Type: multipart/mixed; boundary=lvl%02d.\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--lvl%02d.\r\nContent-Type: text/plain; name=deep.txt\r\n\r\ndeep\r\n", MaxDepth+3)
	fmt.Fprintf(&b, "--lvl%02d.\r\nContent-Type: text/plain; name=ok.txt\r\n\r\nok\r\n", MaxDepth-1)
	p := run(t, Config{}, 0, session(b.String())...)
	tx := p.Tx(0)
	if m := tx.mime; m != nil && len(m.stack) > MaxDepth {
		t.Errorf("%d open boundaries", len(m.stack))
	}
	var names []string
	for _, f := range tx.Files {
		names = append(names, string(f.Name))
	}
	if got := strings.Join(names, ","); got != "ok.txt" {
		t.Errorf("files %q, want ok.txt only (the deeper parts are not split)", got)
	}
}

func TestSinglePartAttachment(t *testing.T) {
	// A non-multipart message naming a file is a file itself.
	mail := "Content-Type: application/pdf; name=x.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0x\r\nLjQK\r\n"
	p := run(t, Config{}, 0, session(mail)...)
	if got := buf(p.Tx(0), bufid.FileData, 0); got != "%PDF-1.4\n" {
		t.Errorf("file.data %q", got)
	}
	if got := buf(p.Tx(0), bufid.FileName, 0); got != "x.pdf" {
		t.Errorf("file.name %q", got)
	}
}

func TestFileLimit(t *testing.T) {
	body := strings.Repeat("0123456789", 10)
	mail := "Content-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Disposition: attachment; filename=a\r\n\r\n" + body + "\r\n" +
		"--b\r\nContent-Disposition: attachment; filename=b\r\n\r\n" + body + "\r\n" +
		"--b--\r\n"
	p := run(t, Config{FileLimit: 150}, 0, session(mail)...)
	tx := p.Tx(0)
	if len(tx.Files) != 2 {
		t.Fatalf("%d files", len(tx.Files))
	}
	a, b := tx.Files[0], tx.Files[1]
	if string(a.Data) != body || a.Truncated || buf(tx, bufid.FileMD5, 0) != md5s(body) {
		t.Errorf("first file: %d bytes, truncated %v", len(a.Data), a.Truncated)
	}
	if len(b.Data) != 50 || !b.Truncated {
		t.Errorf("second file: %d bytes kept, truncated %v; want 50, true", len(b.Data), b.Truncated)
	}
	if got := buf(tx, bufid.FileSize, 1); got != sizeBE(100) {
		t.Errorf("size of the cut file %x, want 100", got)
	}
	if got := buf(tx, bufid.FileMD5, 1); got != "" {
		t.Errorf("MD5 of a cut file: %x", got)
	}
}

func TestIncompleteFile(t *testing.T) {
	// Before the end of the mail the file grows and has no size or MD5;
	// file.data stays empty until InspectMinSize bytes or the end.
	steps := session(multipartMail)
	p := run(t, Config{}, 0, steps[:11]...) // up to the 354
	p.Parse(up, []byte(multipartMail[:strings.Index(multipartMail, "bGQh")]))
	tx := p.Tx(0)
	if got := string(tx.Files[0].Data); got != "hello wor" {
		t.Errorf("file so far %q", got)
	}
	if got := buf(tx, bufid.FileData, 0); got != "" {
		t.Errorf("file.data of a small open file %q; want empty", got)
	}
	big := New(Config{})
	for _, st := range steps[:11] {
		big.Parse(st.dir, []byte(st.data))
	}
	big.Parse(up, []byte("Content-Type: text/plain; name=a.txt\r\n\r\n"+strings.Repeat("x", InspectMinSize)+"\r\n"))
	if got := buf(big.Tx(0), bufid.FileData, 0); len(got) != InspectMinSize {
		t.Errorf("file.data of an open file of InspectMinSize bytes: %d bytes", len(got))
	}
	if got := buf(tx, bufid.FileSize, 0); got != "" {
		t.Errorf("size of an open file: %x", got)
	}
	if tx.Complete(up) {
		t.Error("complete before the end of the mail")
	}
}

func TestBDAT(t *testing.T) {
	chunk1 := "Subject: chunked\r\n\r\n"
	chunk2 := "DATA\r\nMAIL FROM:<not-a-command@x>\r\n"
	p := run(t, Config{}, 0,
		s("220 mx\r\n"),
		c("EHLO me\r\n"),
		s("250-mx\r\n250 CHUNKING\r\n"),
		c("MAIL FROM:<a@x>\r\nRCPT TO:<b@y>\r\n"),
		s("250 ok\r\n250 ok\r\n"),
		c(fmt.Sprintf("BDAT %d\r\n%s", len(chunk1), chunk1)),
		s("250 got it\r\n"),
		c(fmt.Sprintf("BDAT %d LAST\r\n%s", len(chunk2), chunk2)),
		s("250 queued\r\n"),
		c("MAIL FROM:<c@x>\r\n"),
	)
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions, want 2", p.TxCount())
	}
	if got := buf(p.Tx(0), bufid.SMTPMailFrom, 0); got != "<a@x>" {
		t.Errorf("first mail from %q", got)
	}
	if got := buf(p.Tx(1), bufid.SMTPMailFrom, 0); got != "<c@x>" {
		t.Errorf("second mail from %q", got)
	}
}

func TestLongLines(t *testing.T) {
	long := strings.Repeat("x", 3*MaxLine)
	mail := "Subject: " + long + "\r\n" +
		"Content-Type: text/plain; name=big.txt\r\n\r\n" +
		long + "\r\n.." + long + "\r\n"
	p := run(t, Config{}, 0,
		s("220 mx\r\n"),
		c("EHLO "+long+"\r\n"), // cut at MaxLine, as Suricata does
		c("EHLO me\r\nMAIL FROM:<a@x>\r\nDATA\r\n"),
		s("250 "+long+"\r\n"),
		s("250 hi\r\n250 ok\r\n354 go\r\n"),
		c(mail+".\r\n"),
		s("250 queued\r\n"),
	)
	tx := p.Tx(0)
	if got := buf(tx, bufid.SMTPHelo, 0); got != long[:MaxLine-5] {
		t.Errorf("helo of %d bytes, want the first %d of the long one", len(got), MaxLine-5)
	}
	if got := events(tx); !reflect.DeepEqual(got, []string{EventTruncatedLine, EventDuplicateFields}) {
		t.Errorf("events %v; want TRUNCATED_LINE, DUPLICATE_FIELDS", got)
	}
	if got := buf(tx, bufid.EmailSubject, 0); len(got) > MaxLine {
		t.Errorf("subject of %d bytes", len(got))
	}
	// Long body lines are kept whole; a leading dot only goes at the
	// start of a line.
	if got, want := buf(tx, bufid.FileData, 0), long+"\r\n."+long; got != want {
		t.Errorf("file.data: %d bytes, want %d", len(got), len(want))
	}
	if p.Dropped != 2 {
		t.Errorf("dropped %d lines, want 2", p.Dropped)
	}
}

func TestTxCap(t *testing.T) {
	p := New(Config{})
	p.Parse(up, []byte("EHLO me\r\n"))
	p.Parse(down, []byte("220 mx\r\n250-mx\r\n250 PIPELINING\r\n"))
	for i := 0; i < MaxTx+10; i++ {
		p.Parse(up, []byte("MAIL FROM:<a@x>\r\nDATA\r\nSubject: x\r\n\r\n.\r\n"))
	}
	if p.TxCount() > MaxTx {
		t.Errorf("%d live transactions, cap %d", p.TxCount(), MaxTx)
	}
	if len(p.cmds) > MaxCommands {
		t.Errorf("%d pending commands", len(p.cmds))
	}
	if got := p.Tx(p.TxCount() - 1).ID(); got != MaxTx+9 { // EHLO and the first mail share one
		t.Errorf("last id %d", got)
	}
}

func TestGapStops(t *testing.T) {
	p := run(t, Config{}, 0, s("220 mx\r\n"), c("EHLO me\r\n"))
	p.Gap(up, 10)
	p.Parse(up, []byte("MAIL FROM:<a@x>\r\n"))
	if p.State()&applayer.StateGap == 0 || p.TxCount() != 1 {
		t.Fatalf("state %v, %d transactions", p.State(), p.TxCount())
	}
	if got := buf(p.Tx(0), bufid.SMTPMailFrom, 0); got != "<none>" {
		t.Errorf("parsed after a gap: %q", got)
	}
}

func TestHeaderParam(t *testing.T) {
	for _, tc := range []struct {
		v, name, want string
	}{
		{`attachment; filename="a b.txt"`, "filename", "a b.txt"},
		{`attachment; filename=a.txt ; size=3`, "filename", "a.txt"},
		{`attachment;filename=a.txt;filename=b.txt`, "filename", "b.txt"},
		{`attachment; FILENAME="X.EXE"`, "filename", "X.EXE"},
		{`attachment; filename*0="a"; filename*1="b.txt"`, "filename", "ab.txt"},
		{`attachment; filename*1="b"`, "filename", "<nil>"},
		{`filename=no-semicolon.txt`, "filename", "<nil>"},
		{`text/plain; name="q\"uote.txt"`, "name", `q\"uote.txt`},
		{`text/plain; filename=x; name=y`, "name", "y"},
		{`multipart/mixed; boundary="----=_Next"`, "boundary", "----=_Next"},
		{`attachment; filename="unterminated`, "filename", "<nil>"},
	} {
		got := headerParam([]byte(tc.v), tc.name)
		g := string(got)
		if got == nil {
			g = "<nil>"
		}
		if g != tc.want {
			t.Errorf("headerParam(%q, %q) = %q, want %q", tc.v, tc.name, g, tc.want)
		}
	}
}

func TestDecodeBase64Pieces(t *testing.T) {
	// The decoder carries partial quanta across pieces and skips
	// characters outside the alphabet.
	var p part
	var out []byte
	for _, piece := range []string{"aG", "Vs", "bG8g!d2", "9y", "bGQ=", "QQ"} {
		out = decodeB64(out, &p, []byte(piece))
	}
	out = flushB64(out, &p)
	if string(out) != "hello worldA" {
		t.Errorf("got %q", out)
	}
}

func TestDecodeQPPieces(t *testing.T) {
	var p part
	var out []byte
	out = decodeQP(out, &p, []byte("a=3"), false)
	out = decodeQP(out, &p, []byte("Db="), false)
	out = decodeQP(out, &p, []byte("4"), false)
	out = decodeQP(out, &p, []byte("1c="), true)
	if string(out) != "a=bAc" {
		t.Errorf("got %q", out)
	}
}

// events returns the names of tx's app-layer events.
func events(tx *Tx) []string {
	var out []string
	for i := 0; i < tx.EventCount(); i++ {
		out = append(out, tx.EventName(i))
	}
	return out
}

// TestEHLOResetsEnvelope checks that a HELO/EHLO inside a mail
// transaction ends it like a RSET once answered (RFC 5321 4.1.4), and
// raises DUPLICATE_FIELDS there; the first EHLO of a session resets
// nothing.
func TestEHLOResetsEnvelope(t *testing.T) {
	p := run(t, Config{}, 0,
		s("220 mx\r\n"), c("EHLO a\r\n"), s("250 mx\r\n"),
		c("MAIL FROM:<alice@x>\r\n"), s("250 OK\r\n"),
		c("EHLO b\r\n"), s("250-mx\r\n250 PIPELINING\r\n"),
		c("MAIL FROM:<bob@x>\r\n"), s("250 OK\r\n"),
		c("RCPT TO:<alice@x>\r\n"), s("250 OK\r\n"),
		c("DATA\r\n"), s("354 go\r\n"), c("From: bob@x\r\n\r\nhi\r\n.\r\n"), s("250 queued\r\n"))
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions; want 2", p.TxCount())
	}
	a, b := p.Tx(0), p.Tx(1)
	if string(a.MailFrom) != "<alice@x>" || len(a.RcptTo) != 0 || !a.Done() {
		t.Errorf("tx 0: mail from %q, rcpt %q, done %v; want alice's envelope, done", a.MailFrom, a.RcptTo, a.Done())
	}
	if string(b.MailFrom) != "<bob@x>" || len(b.RcptTo) != 1 || !b.Done() {
		t.Errorf("tx 1: mail from %q, rcpt %q, done %v; want bob's mail, done", b.MailFrom, b.RcptTo, b.Done())
	}
	if got := events(a); !reflect.DeepEqual(got, []string{EventDuplicateFields}) {
		t.Errorf("tx 0 events %v; want [DUPLICATE_FIELDS]", got)
	}
	if got := events(b); got != nil {
		t.Errorf("tx 1 events %v; want none", got)
	}
}

// TestRSETAfterCompleteMail checks that a RSET pipelined after a complete
// mail, with the next MAIL FROM, does not end the new transaction when its
// 250 arrives: the RSET belongs to no transaction.
func TestRSETAfterCompleteMail(t *testing.T) {
	p := run(t, Config{}, 0,
		s("220 mx\r\n"), c("EHLO a\r\n"), s("250-mx\r\n250 PIPELINING\r\n"),
		c("MAIL FROM:<alice@x>\r\nRCPT TO:<bob@x>\r\nDATA\r\n"), s("250 OK\r\n250 OK\r\n354 go\r\n"),
		c("From: alice@x\r\n\r\nhi\r\n.\r\n"), s("250 queued\r\n"),
		c("RSET\r\nMAIL FROM:<bob@x>\r\n"), s("250 reset\r\n250 OK\r\n"),
		c("RCPT TO:<alice@x>\r\nDATA\r\n"), s("250 OK\r\n354 go\r\n"),
		c("From: bob@x\r\n\r\nhi\r\n.\r\n"), s("250 queued\r\n"))
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions; want 2", p.TxCount())
	}
	if b := p.Tx(1); string(b.MailFrom) != "<bob@x>" || len(b.RcptTo) != 1 || b.Header("from") == nil {
		t.Errorf("tx 1: mail from %q, rcpt %q, from %q; want bob's whole mail", b.MailFrom, b.RcptTo, b.Header("from"))
	}
}

// TestBDATSyntaxAndReplyEvents checks that a BDAT with a bad tail is no
// chunk (INVALID_BDAT; the next command is read as one), and that a reply
// code outside Suricata 8's table raises INVALID_REPLY and, as there, is a
// parse error that stops the flow's parsing.
func TestBDATSyntaxAndReplyEvents(t *testing.T) {
	p := run(t, Config{}, 0,
		s("220 mx\r\n"), c("EHLO a\r\n"), s("250 CHUNKING\r\n"),
		c("MAIL FROM:<alice@x>\r\n"), s("250 OK\r\n"),
		c("BDAT 5 X\r\n"), s("521 syntax\r\n"), c("NOOP\r\n"), s("402 not now\r\n"),
		c("BDAT 3 LAST\r\nabc"), s("250 OK\r\n"),
		c("MAIL FROM:<bob@x>\r\n"), s("250 OK\r\n"))
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions; want 2", p.TxCount())
	}
	if got, want := events(p.Tx(0)), []string{EventInvalidBDAT}; !reflect.DeepEqual(got, want) {
		t.Errorf("events %v; want %v", got, want)
	}
	if !p.Tx(0).Done() || string(p.Tx(1).MailFrom) != "<bob@x>" {
		t.Errorf("the BDAT LAST chunk did not end the first mail")
	}
	for _, bad := range []string{"472 no DNS record", "4.7.0 deferred", "40"} {
		p = run(t, Config{}, 0,
			s("220 mx\r\n"), c("EHLO a\r\n"), s("250 OK\r\n"),
			c("MAIL FROM:<alice@x>\r\n"), s(bad+"\r\n"),
			c("RCPT TO:<bob@x>\r\n"), s("250 OK\r\n"))
		if got, want := events(p.Tx(0)), []string{EventInvalidReply}; !reflect.DeepEqual(got, want) {
			t.Errorf("%q: events %v; want %v", bad, got, want)
		}
		if p.State()&applayer.StateError == 0 || len(p.Tx(0).RcptTo) != 0 {
			t.Errorf("%q: parsing went on after the invalid reply", bad)
		}
	}
	for _, tc := range []struct {
		line     string
		n        uint64
		last, ok bool
	}{
		{"BDAT 5", 5, false, true}, {"BDAT 5 last", 5, true, true}, {"BDAT 5 X", 0, false, false},
		{"BDAT x", 0, false, false}, {"BDAT 5 LASTX", 0, false, false},
	} {
		n, last, ok := parseBDAT([]byte(tc.line))
		if n != tc.n || last != tc.last || ok != tc.ok {
			t.Errorf("parseBDAT(%q) = %d, %v, %v; want %d, %v, %v", tc.line, n, last, ok, tc.n, tc.last, tc.ok)
		}
	}
}

// TestInvalidPipelinedSequence checks the event for a command (here the
// end of the mail) queued behind a DATA still waiting for its 354.
func TestInvalidPipelinedSequence(t *testing.T) {
	p := run(t, Config{}, 0,
		s("220 mx\r\n"), c("EHLO a\r\n"), s("250-mx\r\n250 PIPELINING\r\n"),
		c("RSET\r\nDATA\r\n.\r\n"), s("250 reset\r\n354 go\r\n250 queued\r\n"))
	if p.TxCount() != 1 {
		t.Fatalf("%d transactions; want 1", p.TxCount())
	}
	if got := events(p.Tx(0)); !reflect.DeepEqual(got, []string{EventInvalidPipelinedSequence}) {
		t.Errorf("events %v; want [INVALID_PIPELINED_SEQUENCE]", got)
	}
}

// TestDataEndReplyCompletes checks Suricata 8.0.7's SMTP progress: the
// end of the mail completes the request; the transaction is complete
// once the server replied to it.
func TestDataEndReplyCompletes(t *testing.T) {
	steps := session("Subject: x\r\n\r\nbody\r\n")
	i := len(steps) - 3 // the reply to the end of the mail
	p := run(t, Config{}, 0, steps[:i]...)
	tx := p.Tx(0)
	if !tx.Complete(up) || tx.Complete(down) || tx.Done() {
		t.Errorf("before the reply: request %v, response %v; want true, false", tx.Complete(up), tx.Complete(down))
	}
	p.Parse(down, []byte(steps[i].data))
	if !tx.Complete(down) || !tx.Done() {
		t.Error("the reply to the end of the mail did not complete the transaction")
	}
}

// TestInputNotModified checks that parsing never writes into the caller's
// bytes: a partial line after a complete one in the same delivery once
// went into the array of the caller's input (the kept line buffer took
// the complete line's array), corrupting the stream and a long
// attachment line split over deliveries.
func TestInputNotModified(t *testing.T) {
	long := strings.Repeat("0123456789", 1000) // one 10000-byte line
	mail := "Content-Type: text/plain; name=a.txt\r\n\r\n" + long + "\r\n"
	for _, n := range []int{1460, 5000, 1 << 20} {
		p := New(Config{})
		for _, st := range session(mail) {
			b := []byte(st.data)
			for i := 0; i < len(b); i += n {
				chunk := b[i:min(i+n, len(b))]
				want := string(chunk)
				p.Parse(st.dir, chunk)
				if string(chunk) != want {
					t.Fatalf("pieces of %d: input modified", n)
				}
			}
		}
		if f := p.Tx(0).Files; len(f) != 1 || string(f[0].Data) != long {
			t.Errorf("pieces of %d: file data wrong (%d files)", n, len(f))
		}
	}
}
