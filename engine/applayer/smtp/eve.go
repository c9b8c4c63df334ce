package smtp

import (
	"bytes"
	"encoding/hex"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata's "smtp" object (helo, mail_from, rcpt_to) and,
// once the message data was seen, its "email" object (parse status,
// from, to, cc, attachment names).
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("smtp")
	if t.p != nil && len(t.p.helo) > 0 {
		o.Bytes("helo", t.p.helo)
	}
	if t.hasMailFrom {
		o.Bytes("mail_from", t.MailFrom)
	}
	if len(t.RcptTo) > 0 {
		o.OpenArray("rcpt_to")
		for _, v := range t.RcptTo {
			o.Bytes("", v)
		}
		o.Close()
	}
	if t.mime == nil {
		return true
	}
	e := r.AddObject("email")
	status := "HEADER_READY"
	switch {
	case t.mime.ended || t.done:
		status = "PARSE_DONE"
	case !t.mime.inHeader:
		status = "BODY_STARTED"
	}
	e.String("status", status)
	if v, ok := t.header("from", 0); ok {
		e.Bytes("from", bytes.TrimSpace(v))
	}
	for _, name := range [...]string{"to", "cc"} {
		v, ok := t.header(name, 0)
		if !ok {
			continue
		}
		opened := false
		for len(v) > 0 {
			var a []byte
			a, v = nextAddress(v)
			if a = bytes.TrimSpace(a); len(a) == 0 {
				continue // empty fields are not logged
			}
			if !opened {
				e.OpenArray(name)
				opened = true
			}
			e.Bytes("", a)
		}
		if opened {
			e.Close()
		}
	}
	if len(t.Attachments) > 0 {
		e.OpenArray("attachment")
		for _, n := range t.Attachments {
			e.Bytes("", n)
		}
		e.Close()
	}
	if len(t.URLs) > 0 {
		// Suricata logs the URLs last found first.
		e.OpenArray("url")
		for i := len(t.URLs) - 1; i >= 0; i-- {
			e.Bytes("", t.URLs[i])
		}
		e.Close()
	}
	if len(t.bodyMD5) > 0 {
		e.String("body_md5", hex.EncodeToString(t.bodyMD5))
	}
	return true
}

// nextAddress splits the first address off an address list (To, Cc): up
// to the first comma outside a quoted string, so that a display name such
// as "jam,abrakadabra.ch" stays whole (Suricata issue 3487). rest is what
// follows that comma.
func nextAddress(v []byte) (addr, rest []byte) {
	quoted := false
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			if quoted {
				i++ // a quoted pair: the next byte is literal
			}
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return v[:i], v[i+1:]
			}
		}
	}
	return v, nil
}

// FileCount returns the number of MIME attachments of the message.
func (t *Tx) FileCount() int { return len(t.Files) }

// FillFileEVE adds the "fileinfo" object of attachment i.
func (t *Tx) FillFileEVE(r *eve.Record, i int) bool {
	if i < 0 || i >= len(t.Files) {
		return false
	}
	f := t.Files[i]
	o := r.AddObject("fileinfo")
	o.Bytes("filename", f.Name)
	o.Bool("gaps", false)
	state := "CLOSED"
	if !f.Done {
		state = "TRUNCATED"
	}
	o.String("state", state)
	o.Bool("stored", false)
	o.Uint("size", f.Size)
	o.Uint("tx_id", t.ID())
	return true
}
