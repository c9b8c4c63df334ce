package smtp

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Header is one MIME header: Name as sent, Value after the colon and its
// leading white space, folded lines appended without their first white
// space character (as Suricata joins them).
type Header struct {
	Name, Value []byte
}

// File is one attachment of a mail.
type File struct {
	// Name is the file name from the part's headers, at most MaxFileName
	// bytes.
	Name []byte
	// Data is the decoded content kept, within the transaction's
	// Config.FileLimit; Truncated is set when bytes were left out.
	Data      []byte
	Truncated bool
	// Size counts every decoded byte, kept or not.
	Size uint64
	// Done is set once the part ended (its boundary or the end of the
	// mail was seen).
	Done bool

	md5Done bool
	md5Sum  [md5.Size]byte
	sizeBE  [8]byte
}

// Tx is one SMTP transaction: the commands of one mail and its content.
type Tx struct {
	id uint64
	p  *Parser
	// MailFrom is the argument of the first MAIL FROM (with its angle
	// brackets); RcptTo those of every RCPT TO, in order.
	MailFrom    []byte
	hasMailFrom bool
	RcptTo      [][]byte
	// Headers are the message's own headers, set once they ended.
	Headers     []Header
	headersDone bool
	// Files are the mail's attachments, in order.
	Files []*File
	// Attachments are the file names of the mail's parts, in order: the
	// names of Files and those of encapsulated messages (email.attachment).
	Attachments [][]byte
	// URLs are the URLs found in the mail's text and attachments, in the
	// order found (at most MaxURLs; see url.go).
	URLs [][]byte
	// bodyMD5 is the MD5 of the message body (Config.MIME.BodyMD5), set
	// at the end of the mail.
	bodyMD5 []byte

	// reqDone is set when the client ended the mail data: the request
	// is complete, the transaction is done once the server replied to
	// it (Suricata 8.0.7's SMTP progress states).
	reqDone   bool
	done      bool
	events    []string   // app-layer events raised on it (MaxEvents)
	mime      *mimeState // nil until DATA
	fileBytes int        // bytes kept in Files (Config.FileLimit)
}

var (
	_ applayer.Tx      = (*Tx)(nil)
	_ applayer.EventTx = (*Tx)(nil)
)

// MaxEvents caps the app-layer events kept per transaction.
const MaxEvents = 32

// Suricata's names of the SMTP events Vigil raises.
const (
	// EventInvalidReply: a reply line without a reply code, or with one
	// outside Suricata's table of SMTP reply codes.
	EventInvalidReply = "INVALID_REPLY"
	// EventInvalidBDAT: a BDAT command whose arguments are not
	// "size [LAST]" (RFC 3030).
	EventInvalidBDAT = "INVALID_BDAT"
	// EventDuplicateFields: a second HELO/EHLO in the session, or a
	// second MAIL FROM in one transaction (the first is kept).
	EventDuplicateFields = "DUPLICATE_FIELDS"
	// EventInvalidPipelinedSequence: a command, or the end of the mail
	// data, sent while the reply to a STARTTLS or DATA is still due.
	EventInvalidPipelinedSequence = "INVALID_PIPELINED_SEQUENCE"
	// EventTruncatedLine: a command line longer than MaxLine, cut there.
	EventTruncatedLine = "TRUNCATED_LINE"
)

// EventCount returns the number of app-layer events raised on t.
func (t *Tx) EventCount() int { return len(t.events) }

// EventName returns the name of event i.
func (t *Tx) EventName(i int) string { return t.events[i] }

// raise adds event name to t.
func (t *Tx) raise(name string) {
	if len(t.events) < MaxEvents {
		t.events = append(t.events, name)
	}
}

// emptyBuf is returned for instances that exist but have no content
// (an empty file, a file whose MD5 is unknown): detection stops iterating
// instances at a nil buffer.
var emptyBuf = []byte{}

// Proto returns bufid.ProtoSMTP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoSMTP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Done reports whether the mail is over.
func (t *Tx) Done() bool { return t.done }

// Complete reports whether direction dir of the transaction is over: the
// request once the client ended the mail data, the response (and the
// transaction) once the server replied to that, as in Suricata 8.0.7.
func (t *Tx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToServer {
		return t.done || t.reqDone
	}
	return t.done
}

// ended reports whether the client is done with the transaction.
func (t *Tx) ended() bool { return t.done || t.reqDone }

// Buffer returns the first instance of buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns instance i of an SMTP buffer. All of them belong to the
// client's side (Suricata registers them to the server): dir ToClient has
// none.
//   - smtp.helo: the flow's first HELO/EHLO argument, on every transaction;
//   - smtp.mail_from, smtp.rcpt_to: the MAIL FROM and each RCPT TO
//     argument, angle brackets included;
//   - email.from, .subject, .to, .cc, .date, .message_id, .x_mailer: the
//     value of the first message header of that name, once the headers
//     ended; email.received: each Received header;
//   - file.data, file.name: each attachment's decoded content (so far) and
//     name;
//   - filemd5, filesize: each attachment's 16-byte MD5 and 8-byte
//     big-endian size once it ended; an empty instance while unknown (the
//     MD5 of a file cut by the file limit is never known).
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if dir != applayer.ToServer || i < 0 {
		return nil, false
	}
	switch b {
	case bufid.FileData, bufid.FileName, bufid.FileMD5, bufid.FileSize:
		return t.fileBuffer(b, i)
	case bufid.SMTPRcptTo:
		if i >= len(t.RcptTo) {
			return nil, false
		}
		return nonNil(t.RcptTo[i]), true
	case bufid.EmailReceived:
		return t.header("received", i)
	}
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.SMTPHelo:
		if t.p == nil || len(t.p.helo) == 0 {
			return nil, false
		}
		return t.p.helo, true
	case bufid.SMTPMailFrom:
		if !t.hasMailFrom {
			return nil, false
		}
		return nonNil(t.MailFrom), true
	case bufid.EmailFrom:
		return t.header("from", 0)
	case bufid.EmailSubject:
		return t.header("subject", 0)
	case bufid.EmailTo:
		return t.header("to", 0)
	case bufid.EmailCc:
		return t.header("cc", 0)
	case bufid.EmailDate:
		return t.header("date", 0)
	case bufid.EmailMessageID:
		return t.header("message-id", 0)
	case bufid.EmailXMailer:
		return t.header("x-mailer", 0)
	}
	return nil, false
}

func nonNil(b []byte) []byte {
	if b == nil {
		return emptyBuf
	}
	return b
}

// header returns the value of the i-th message header named name (lower
// case), once the message headers ended.
func (t *Tx) header(name string, i int) ([]byte, bool) {
	if !t.headersDone {
		return nil, false
	}
	for k := range t.Headers {
		h := &t.Headers[k]
		if len(h.Name) != len(name) || !hasPrefixFold(h.Name, name) {
			continue
		}
		if i == 0 {
			return nonNil(h.Value), true
		}
		i--
	}
	return nil, false
}

// Header returns the value of the first message header named name
// (case-insensitive), or nil.
func (t *Tx) Header(name string) []byte {
	for k := range t.Headers {
		if bytes.EqualFold(t.Headers[k].Name, []byte(name)) {
			return t.Headers[k].Value
		}
	}
	return nil
}

// fileBuffer returns instance i of a file buffer.
func (t *Tx) fileBuffer(b applayer.BufferID, i int) ([]byte, bool) {
	if i >= len(t.Files) {
		return nil, false
	}
	f := t.Files[i]
	switch b {
	case bufid.FileData:
		if !f.Done && f.Size < InspectMinSize {
			// As Suricata's SMTP file inspection: an open attachment
			// is inspected once it holds content-inspect-min-size bytes.
			return emptyBuf, true
		}
		return nonNil(f.Data), true
	case bufid.FileName:
		return nonNil(f.Name), true
	case bufid.FileMD5:
		if !f.Done || f.Truncated {
			return emptyBuf, true
		}
		if !f.md5Done {
			f.md5Sum, f.md5Done = md5.Sum(f.Data), true
		}
		return f.md5Sum[:], true
	case bufid.FileSize:
		if !f.Done {
			return emptyBuf, true
		}
		binary.BigEndian.PutUint64(f.sizeBE[:], f.Size)
		return f.sizeBE[:], true
	}
	return nil, false
}
