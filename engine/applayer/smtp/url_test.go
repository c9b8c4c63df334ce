package smtp

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
)

// urls returns the URLs of the only transaction of p as strings.
func urls(t *testing.T, p *Parser) []string {
	t.Helper()
	if p.TxCount() != 1 {
		t.Fatalf("%d transactions, want 1", p.TxCount())
	}
	var out []string
	for _, u := range p.Tx(0).URLs {
		out = append(out, string(u))
	}
	return out
}

const urlMail = "Subject: links\r\n" +
	"Content-Type: multipart/mixed; boundary=\"b\"\r\n" +
	"\r\n" +
	"preamble http://preamble.example/ is not text\r\n" +
	"--b\r\n" +
	"Content-Type: text/plain\r\n" +
	"\r\n" +
	"see HTTP://one.example/a and <http://two.example/b> or https://three.example/\r\n" +
	"--b\r\n" +
	"Content-Type: text/html\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	// <a href="http://four.example/">x</a> and a new line: text not
	// ended by a new line when its part ends is not searched.
	"PGEgaHJlZj0iaHR0cDovL2ZvdXIuZXhhbXBsZS8iPng8L2E+Cg==\r\n" +
	"--b\r\n" +
	"Content-Type: image/png\r\n" +
	"\r\n" +
	"http://image.example/ is not text\r\n" +
	"--b--\r\n"

// TestURLs checks extract-urls: the schemes searched, case-insensitively,
// in text parts (raw or base64-decoded) and not in other parts; the
// scheme dropped unless log-url-scheme; a URL ending at a delimiter, or
// else keeping the end of its line (as in Suricata).
func TestURLs(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  MIMEConfig
		want []string
	}{
		{"default http", MIMEConfig{}, []string{"one.example/a", "two.example/b", "four.example/"}},
		{"schemes logged", MIMEConfig{URLSchemes: []string{"https://", "http://"}, LogURLScheme: true},
			[]string{"https://three.example/\r\n", "HTTP://one.example/a", "http://two.example/b", "http://four.example/"}},
		{"no base64", MIMEConfig{NoBase64: true}, []string{"one.example/a", "two.example/b"}},
		{"off", MIMEConfig{NoURLs: true}, nil},
	} {
		for _, n := range []int{0, 3} {
			t.Run(fmt.Sprintf("%s/pieces of %d", c.name, n), func(t *testing.T) {
				p := run(t, Config{MIME: c.cfg}, n, session(urlMail)...)
				if got := urls(t, p); !slices.Equal(got, c.want) {
					t.Errorf("urls %q; want %q", got, c.want)
				}
			})
		}
	}
}

// TestURLLastLine checks that decoded text not ended by a new line when
// the mail ends is searched too, with the new line Suricata adds then.
func TestURLLastLine(t *testing.T) {
	mail := "Content-Transfer-Encoding: base64\r\n\r\n" +
		"YXQgaHR0cDovL2xhc3QuZXhhbXBsZS94\r\n" // at http://last.example/x
	p := run(t, Config{}, 0, session(mail)...)
	if got, want := urls(t, p), []string{"last.example/x\n"}; !slices.Equal(got, want) {
		t.Errorf("urls %q; want %q", got, want)
	}
}

// TestQPSettings checks decode-quoted-printable: off leaves a
// quoted-printable attachment without data.
func TestQPSettings(t *testing.T) {
	mail := "Content-Type: text/plain; name=a.txt\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n" +
		"\r\n" +
		"caf=C3=A9\r\n"
	for _, c := range []struct {
		cfg  MIMEConfig
		want string
	}{{MIMEConfig{}, "caf\xc3\xa9\r\n"}, {MIMEConfig{NoQuotedPrintable: true}, ""}} {
		p := run(t, Config{MIME: c.cfg}, 0, session(mail)...)
		tx := p.Tx(0)
		if len(tx.Files) != 1 || string(tx.Files[0].Data) != c.want {
			t.Errorf("%+v: files %d, data %q; want %q", c.cfg, len(tx.Files), tx.Files[0].Data, c.want)
		}
	}
}

// TestBodyMD5 checks body-md5: the MD5 of every body line after the
// message headers, with its end of line, dot-stuffing undone.
func TestBodyMD5(t *testing.T) {
	body := "line one\r\n..dotted\r\n"
	p := run(t, Config{MIME: MIMEConfig{BodyMD5: true}}, 0, session("Subject: x\r\n\r\n"+body)...)
	sum := md5.Sum([]byte("line one\r\n.dotted\r\n"))
	if got, want := hex.EncodeToString(p.Tx(0).bodyMD5), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("body md5 %s; want %s", got, want)
	}
	p = run(t, Config{}, 0, session("Subject: x\r\n\r\n"+body)...)
	if p.Tx(0).bodyMD5 != nil {
		t.Error("body md5 computed while off")
	}
}

// TestEncapsulatedMessage checks a message/rfc822 body: its own headers
// follow, the outer encoding and file name are dropped (the name stays an
// attachment name, with no file), and the inner part is a file of its own.
func TestEncapsulatedMessage(t *testing.T) {
	mail := "Subject: outer\r\n" +
		"Content-Type: message/rfc822\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"Content-Disposition: attachment; filename=\"innocent.txt\"\r\n" +
		"\r\n" +
		"Subject: inner\r\n" +
		"Content-Disposition: attachment; filename=\"inner.exe\"\r\n" +
		"\r\n" +
		"PAYLOAD\r\n"
	p := run(t, Config{}, 0, session(mail)...)
	tx := p.Tx(0)
	var names []string
	for _, n := range tx.Attachments {
		names = append(names, string(n))
	}
	if want := []string{"innocent.txt", "inner.exe"}; !slices.Equal(names, want) {
		t.Errorf("attachments %q; want %q", names, want)
	}
	if len(tx.Files) != 1 || string(tx.Files[0].Name) != "inner.exe" || string(tx.Files[0].Data) != "PAYLOAD" {
		t.Fatalf("files %d; want inner.exe with PAYLOAD", len(tx.Files))
	}
	if got := string(tx.Header("subject")); got != "outer" {
		t.Errorf("subject %q; want the outer one", got)
	}
}
