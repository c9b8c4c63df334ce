package smtp

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the smtp, email and fileinfo objects of a mail with
// an attachment, and that the records validate against the schema.
func TestFillEVE(t *testing.T) {
	p := run(t, Config{}, 0, session(multipartMail)...)
	tx := p.Tx(0)
	var r eve.Record
	r.Type = eve.EventSMTP
	r.Time = evetest.T0
	if !tx.FillEVE(&r, up) {
		t.Fatal("FillEVE reported no object")
	}
	line := (&eve.Encoder{}).Encode(&r)
	evetest.Validate(t, line)
	var got struct {
		SMTP  map[string]any `json:"smtp"`
		Email map[string]any `json:"email"`
	}
	if err := json.Unmarshal(line, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"helo": "client.example.com", "mail_from": "<alice@example.com>",
		"rcpt_to": []any{"<bob@example.net>", "<carol@example.net>"}}
	if !reflect.DeepEqual(got.SMTP, want) {
		t.Errorf("smtp = %v; want %v", got.SMTP, want)
	}
	if got.Email["status"] != "PARSE_DONE" || got.Email["from"] != `"Alice" <alice@example.com>` ||
		!reflect.DeepEqual(got.Email["to"], []any{"<bob@example.net>", "<carol@example.net>"}) {
		t.Errorf("email = %v", got.Email)
	}
	if _, ok := got.Email["attachment"]; !ok {
		t.Errorf("email has no attachment: %v", got.Email)
	}
	if tx.FileCount() != 1 {
		t.Fatalf("%d files, want 1", tx.FileCount())
	}
	var f eve.Record
	f.Type = eve.EventFileinfo
	f.Time = evetest.T0
	if tx.FillFileEVE(&f, 1) {
		t.Error("file 1 of 1 filled")
	}
	if !tx.FillFileEVE(&f, 0) {
		t.Fatal("file 0 not filled")
	}
	evetest.Validate(t, (&eve.Encoder{}).Encode(&f))
}

// TestNextAddress checks the address list split of email.to and email.cc:
// commas inside a quoted display name (with a quoted pair) do not split,
// and empty fields are left out.
func TestNextAddress(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{`"jam,abrakadabra.ch" <mirjam@abrakadabra.ch>`, []string{`"jam,abrakadabra.ch" <mirjam@abrakadabra.ch>`}},
		{`a@x, "B \", b" <b@x>,c@x`, []string{`a@x`, `"B \", b" <b@x>`, `c@x`}},
		{` , a@x,`, []string{`a@x`}},
		{` `, nil},
	} {
		var got []string
		for v := []byte(tc.in); len(v) > 0; {
			var a []byte
			a, v = nextAddress(v)
			if a = bytes.TrimSpace(a); len(a) > 0 {
				got = append(got, string(a))
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q: %q; want %q", tc.in, got, tc.want)
		}
	}
}
