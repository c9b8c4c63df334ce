package detect

import (
	"math"
	"net/netip"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// FTP keywords (rules/ftp-keywords.html). ftp.command, ftp.command_data,
// ftp.completion_code and ftp.reply are sticky buffers (Bufs); the rest
// read small buffers the transaction fills (layouts in package
// engine/applayer/ftp, Tx.BufferAt): bufid.FTPDynamicPort (2 bytes big
// endian), bufid.FTPMode (1 byte, 1 active), bufid.FTPReplyReceived (final reply
// seen, any reply line seen) and bufid.FTPBounce (a PORT command's address).
// The last two need more than the buffer (the client address, whether the
// side is final) and are evaluated by matchFTPList.

// setupFTPDynamicPort is ftp.dynamic_port:<u16 comparison>, the data port
// the command negotiated (0 when none). Docs:
// rules/ftp-keywords.html#ftp-dynamic-port
func setupFTPDynamicPort(b *sigBuilder, c *ruleparser.Compare) error {
	cmp := c.Cmp
	if cmp.Op == 0 {
		return errBadValue("unsupported comparison")
	}
	if cmp.A > math.MaxUint16 || cmp.B > math.MaxUint16 {
		return errBadValue("value out of range for an unsigned 16-bit integer")
	}
	return b.addItemToBuffer(bufid.FTPDynamicPort, &valueItem{size: 2, cmp: cmp})
}

// setupFTPMode is ftp.mode:active|passive: the command negotiated a data
// port in that mode (PORT/EPRT active, PASV/EPSV passive). Docs:
// rules/ftp-keywords.html#ftp-mode
func setupFTPMode(b *sigBuilder, o *ruleparser.Text) error {
	v := o.Value
	var want uint64
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "active":
		want = 1
	case "passive":
	default:
		return errBadValue("ftp.mode must be active or passive")
	}
	return b.addItemToBuffer(bufid.FTPMode, &valueItem{size: 1, cmp: ruleparser.UintCmp{Op: ruleparser.CmpEq, A: want}})
}

// setupFTPDataCommand is ftpdata_command:retr|stor: the control command
// that opened an ftp-data flow, read from bufid.FTPDataCommand (1 RETR, 2
// STOR; layout in engine/applayer/ftpdata). It makes the rule an ftp-data
// rule. Docs: rules/ftp-keywords.html#ftpdata-command
func setupFTPDataCommand(b *sigBuilder, o *ruleparser.Text) error {
	var want uint64
	switch strings.ToLower(strings.TrimSpace(o.Value)) {
	case "retr":
		want = 1
	case "stor":
		want = 2
	default:
		return errBadValue("ftpdata_command must be retr or stor")
	}
	return b.addItemToBuffer(bufid.FTPDataCommand, &valueItem{size: 1, cmp: ruleparser.UintCmp{Op: ruleparser.CmpEq, A: want}})
}

// ftpStateItem holds the argument of ftp.reply_received (and marks the
// list of ftpbounce); matchFTPList evaluates it, never the list walker.
type ftpStateItem struct{ want bool }

func (f *ftpStateItem) relative() bool { return false }
func (f *ftpStateItem) retry() bool    { return false }
func (f *ftpStateItem) find(_ *Thread, _ []byte, cursor, _ int) (int, int, bool) {
	return cursor, cursor, false
}

// setupFTPReplyReceived is ftp.reply_received:yes|no (on/off, true/false,
// 1/0): whether the command got its final reply. Docs:
// rules/ftp-keywords.html#ftp-reply-received
func setupFTPReplyReceived(b *sigBuilder, o *ruleparser.Text) error {
	v := o.Value
	var want bool
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "on", "true", "1":
		want = true
	case "no", "off", "false", "0":
	default:
		return errBadValue("ftp.reply_received must be yes or no")
	}
	return b.addItemToBuffer(bufid.FTPReplyReceived, &ftpStateItem{want: want})
}

// setupFTPBounce is ftpbounce: a PORT command names another address than
// the client's. It makes the rule an FTP rule. Docs:
// rules/ftp-keywords.html#ftpbounce
func setupFTPBounce(b *sigBuilder, _ *ruleparser.Flag) error {
	return b.addItemToBuffer(bufid.FTPBounce, &ftpStateItem{})
}

// isFTPStateBuf reports the lists matchFTPList evaluates.
func isFTPStateBuf(b Buf) bool { return b == bufid.FTPReplyReceived || b == bufid.FTPBounce }

// matchFTPList evaluates a list of bufid.FTPReplyReceived or bufid.FTPBounce.
//
// ftp.reply_received:yes matches once the final reply arrived.
// ftp.reply_received:no matches a command still waiting for its final
// reply when its reply side is inspected: after a preliminary (1yz) reply,
// or at the last inspection of an unanswered command (flow end).
//
// ftpbounce compares the PORT address with the client's (the flow
// initiator's) address; for an IPv6 client, as in Suricata, with the
// first four bytes of its address.
func (m *Matcher) matchFTPList(l *list, p *Packet, tx Tx) bool {
	buf, ok := tx.Buffer(l.buf, 0)
	if !ok {
		return false
	}
	if l.buf == bufid.FTPBounce {
		client := p.Src
		if !p.ToServer {
			client = p.Dst
		}
		c := first4(client)
		return len(buf) == 4 && string(buf) != string(c[:])
	}
	if len(buf) != 2 {
		return false
	}
	done, replied := buf[0] == 1, buf[1] == 1
	for _, it := range l.items {
		f, ok := it.(*ftpStateItem)
		if !ok {
			return false
		}
		if f.want != done || !done && !replied && !m.final {
			return false
		}
	}
	return true
}

// first4 returns the first four bytes of an address (all of an IPv4 one).
func first4(a netip.Addr) (b [4]byte) {
	a = a.Unmap()
	if a.Is4() {
		return a.As4()
	}
	b16 := a.As16()
	copy(b[:], b16[:4])
	return b
}
