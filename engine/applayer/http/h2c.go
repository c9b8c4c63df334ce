package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Protocol upgrades: HTTP/2 over cleartext and WebSocket. The text below
// describes h2c; "Upgrade: websocket" answered by a 101 with "Upgrade:
// websocket" hands the flow to package websocket the same way.
//
// HTTP/2 upgrade over cleartext (RFC 7540 section 3.2): a request with
// "Upgrade: h2c" answered by "101 Switching Protocols" with "Upgrade:
// h2c" turns the connection into HTTP/2 right after the 101 head. The
// parser then hands the flow over (applayer.Handover) with the bytes that
// follow the switch in each direction; package http2 adopts its
// transactions. Like Suricata, the switch only needs the response's
// Upgrade header.
//
// The client may send its HTTP/2 preface before the 101 is seen (the
// engine delivers each direction when the peer acknowledges it), so once
// a request that asked for h2c is complete, later request bytes are held
// (up to maxHeld) until its response: a 101 hands them to HTTP/2, any
// other answer parses them as HTTP/1.

// maxHeld bounds the request bytes held while an h2c upgrade is pending.
const maxHeld = 64 << 10

type h2cState struct {
	asked   bool   // a request asked for h2c and waits for its response
	waitID  uint64 // that request's transaction
	hold    bool   // request bytes are held
	held    []byte // held request bytes (owned copy)
	release bool   // the answer was not a switch: parse held as HTTP/1
	done    bool   // switched: the flow is next's from here
	next    applayer.Proto
	rest    []byte // response bytes after the 101 head (owned copy)
}

var _ applayer.Handover = (*Parser)(nil)

// Handover reports the switch to HTTP/2 after a 101 to h2c, with the
// request bytes held since the upgrading request and the response bytes
// after the 101 head (applayer.Handover).
func (p *Parser) Handover() (applayer.Proto, [2][]byte, bool) {
	if !p.h2c.done {
		return bufid.ProtoUnknown, [2][]byte{}, false
	}
	return p.h2c.next, [2][]byte{p.h2c.held, p.h2c.rest}, true
}

// askedH2C notes a request whose Upgrade header offers h2c.
func (p *Parser) askedH2C(t *Tx) {
	if up := t.Req.Get("Upgrade"); (hasToken(up, "h2c") || hasToken(up, "websocket")) && !p.h2c.done {
		p.h2c.asked, p.h2c.waitID = true, t.id
	}
}

// requestDone starts holding request bytes after an upgrading request
// whose response has not come yet.
func (p *Parser) requestDone(t *Tx) {
	if p.h2c.asked && t.id == p.h2c.waitID && !t.Resp.done && len(t.Resp.head) == 0 {
		p.h2c.hold = true
	}
}

// answered handles a final response head: for the upgrading request,
// anything but 101 ends the wait.
func (p *Parser) answered(t *Tx) {
	if !p.h2c.asked || t.id != p.h2c.waitID || bytes.Equal(t.Resp.Status, []byte("101")) {
		return
	}
	p.h2c.asked = false
	if p.h2c.hold {
		p.h2c.hold, p.h2c.release = false, true
	}
}

// switched handles a 101 response: to h2c, the flow becomes HTTP/2; to
// websocket (RFC 6455 section 4.2.2), WebSocket.
func (p *Parser) switched(t *Tx) {
	switch up := bytes.TrimSpace(t.Resp.Get("Upgrade")); {
	case bytes.EqualFold(up, []byte("h2c")):
		p.h2c.next = bufid.ProtoHTTP2
	case bytes.EqualFold(up, []byte("websocket")):
		p.h2c.next = bufid.ProtoWebSocket
	default:
		p.answered(t)
		return
	}
	p.h2c.done, p.h2c.asked, p.h2c.hold = true, false, false
	p.sides[applayer.ToServer].st = stError
}

// holdRequest keeps request bytes while an upgrade is pending; past
// maxHeld it gives up and parses them as HTTP/1.
func (p *Parser) holdRequest(data []byte) {
	if len(p.h2c.held)+len(data) <= maxHeld {
		p.h2c.held = append(p.h2c.held, data...)
		return
	}
	held := append(p.h2c.held, data...)
	p.h2c = h2cState{}
	p.Parse(applayer.ToServer, held)
}

// releaseHeld parses held request bytes as HTTP/1 after the server
// declined the upgrade.
func (p *Parser) releaseHeld() {
	if !p.h2c.release {
		return
	}
	held := p.h2c.held
	p.h2c.release, p.h2c.held = false, nil
	p.Parse(applayer.ToServer, held)
}

// afterSwitch keeps the response bytes that follow a switch to HTTP/2
// until the engine hands them to the HTTP/2 parser, and held request
// bytes too (bounded).
func (p *Parser) afterSwitch(dir applayer.Direction, data []byte) {
	if !p.h2c.done {
		return
	}
	if dir == applayer.ToClient {
		p.h2c.rest = append(p.h2c.rest, data[:min(len(data), max(maxHeld-len(p.h2c.rest), 0))]...)
	} else {
		p.h2c.held = append(p.h2c.held, data[:min(len(data), max(maxHeld-len(p.h2c.held), 0))]...)
	}
}

// hasToken reports whether the comma-separated list v holds token
// (case-insensitive).
func hasToken(v []byte, token string) bool {
	for {
		f, rest, more := bytes.Cut(v, []byte(","))
		if equalFold(bytes.TrimSpace(f), token) {
			return true
		}
		if !more {
			return false
		}
		v = rest
	}
}
