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

// HTTP CONNECT (RFC 9110 section 9.3.6): a 2xx answer to a CONNECT
// makes the connection a tunnel right after the response head. libhtp
// stops parsing it, and Suricata, when the CONNECT is the connection's
// first transaction, restarts protocol detection on the tunnelled bytes
// (the flow becomes TLS, or HTTP again with new transactions; its
// app_proto_orig is http). The parser hands the flow over to
// bufid.ProtoUnknown for that, with the tunnel's first bytes as rest, and
// tells the port of the CONNECT target (TunnelPort), which detection uses
// as the destination port. Like libhtp, request bytes after a CONNECT
// wait for its answer (held as for an upgrade): any other answer parses
// them as HTTP.

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
	port    uint16 // the CONNECT target's port (TunnelPort)
}

var _ applayer.Handover = (*Parser)(nil)

// Handover reports the switch to HTTP/2 after a 101 to h2c, with the
// request bytes held since the upgrading request and the response bytes
// after the 101 head (applayer.Handover).
func (p *Parser) Handover() (applayer.Proto, [2][]byte, bool) {
	if !p.h2c.done {
		return bufid.ProtoUnknown, [2][]byte{}, false
	}
	if p.h2c.next == bufid.ProtoUnknown {
		// A CONNECT tunnel: the bytes delivered with the switch, and
		// request bytes that waited for the answer, are consumed by
		// HTTP (Suricata's parser takes all it is given); detection
		// starts with the next ones.
		return p.h2c.next, [2][]byte{}, true
	}
	return p.h2c.next, [2][]byte{p.h2c.held, p.h2c.rest}, true
}

var _ applayer.Tunneler = (*Parser)(nil)

// TunnelPort returns the port of the CONNECT target whose 2xx answer
// opened a tunnel, 0 when it named none (applayer.Tunneler).
func (p *Parser) TunnelPort() uint16 { return p.h2c.port }

// askedH2C notes a request whose Upgrade header offers h2c, or a CONNECT.
func (p *Parser) askedH2C(t *Tx) {
	if up := t.Req.Get("Upgrade"); (hasToken(up, "h2c") || hasToken(up, "websocket") || isConnect(t)) && !p.h2c.done {
		p.h2c.asked, p.h2c.waitID = true, t.id
	}
}

// isConnect reports whether t's request is a CONNECT.
func isConnect(t *Tx) bool { return equalFold(t.Req.Method, "CONNECT") }

// connected reports whether t's response, whose head is parsed, opens a
// CONNECT tunnel: a 2xx answer to a CONNECT.
func connected(t *Tx) bool {
	return isConnect(t) && len(t.Resp.Status) == 3 && t.Resp.Status[0] == '2'
}

// tunnel stops parsing after the 2xx answer to a CONNECT; when the CONNECT
// is the connection's first transaction, the flow is handed over to
// protocol detection (Suricata requests a protocol change only then).
func (p *Parser) tunnel(t *Tx) {
	p.sides[applayer.ToServer].st = stError
	p.sides[applayer.ToClient].st = stError
	if t.id != 0 || p.next != 1 {
		p.h2c = h2cState{}
		return
	}
	p.h2c.next = bufid.ProtoUnknown
	p.h2c.done, p.h2c.asked, p.h2c.hold = true, false, false
	p.h2c.port = uriPort(t.Req.URI)
	p.h2c.held = nil
}

// uriPort returns the port of a CONNECT target ("host:port"), 0 if none.
func uriPort(uri []byte) uint16 {
	i := bytes.LastIndexByte(uri, ':')
	if i < 0 {
		return 0
	}
	n, ok := parseUint(uri[i+1:])
	if !ok || n == 0 || n > 65535 {
		return 0
	}
	return uint16(n)
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
	if !p.h2c.done || p.h2c.next == bufid.ProtoUnknown {
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
