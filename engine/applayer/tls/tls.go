package tls

import (
	"crypto/md5"
	"encoding/hex"
	"slices"
	"strconv"

	"vigil/engine/applayer"
)

// Record and handshake types (RFC 8446 section 5.1, 4).
const (
	recChangeCipherSpec = 20
	recAlert            = 21
	recHandshake        = 22
	recApplicationData  = 23
	recHeartbeat        = 24

	hsClientHello = 1
	hsServerHello = 2
	hsCertificate = 11

	extEarlyData = 42
)

// Limits.
const (
	maxRecord    = 16384 + 2048 // ciphertext may exceed 2^14 by 2048
	maxHandshake = 256 * 1024   // certificate chains
)

// Version values.
const (
	VersionSSL2  = 0x0002
	VersionSSL3  = 0x0300
	VersionTLS10 = 0x0301
	VersionTLS11 = 0x0302
	VersionTLS12 = 0x0303
	VersionTLS13 = 0x0304
)

// VersionString returns the version the way Suricata writes it in EVE
// ("TLS 1.2", "TLSv1", "SSLv3", "TLS 1.3 draft-23", "UNDETERMINED" for
// 0, "0x%04x" for anything else).
func VersionString(v uint16) string {
	switch v {
	case 0:
		return "UNDETERMINED"
	case VersionSSL2:
		return "SSLv2"
	case VersionSSL3:
		return "SSLv3"
	case VersionTLS10:
		return "TLSv1"
	case VersionTLS11:
		return "TLS 1.1"
	case VersionTLS12:
		return "TLS 1.2"
	case VersionTLS13:
		return "TLS 1.3"
	case 0xfb1a: // Facebook's draft-26 variant
		return "TLS 1.3 draft-26-fb"
	}
	if v>>8 == 0x7f { // TLS 1.3 drafts
		if v&0xff < 16 {
			return "TLS 1.3 draft-<16"
		}
		return "TLS 1.3 draft-" + strconv.Itoa(int(v&0xff))
	}
	const digits = "0123456789abcdef"
	return string([]byte{'0', 'x', digits[v>>12], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf]})
}

// isGREASE reports the RFC 8701 reserved values 0x?a?a.
func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// ClientHello holds the fields of a ClientHello that fingerprints use.
type ClientHello struct {
	Version           uint16 // legacy_version
	Random            []byte
	SessionID         []byte
	Ciphers           []uint16
	Compression       []byte
	Extensions        []uint16 // in order, GREASE included
	SNI               []byte
	Groups            []uint16
	PointFormats      []byte
	ALPN              [][]byte
	SigAlgs           []uint16
	SupportedVersions []uint16
}

// ServerHello holds the fields of a ServerHello.
type ServerHello struct {
	Version         uint16 // legacy_version
	Random          []byte
	SessionID       []byte
	Cipher          uint16
	Extensions      []uint16
	SelectedVersion uint16 // supported_versions, 0 if absent
	ALPN            []byte
}

// side is the per-direction record/handshake reassembly state.
type side struct {
	rec     []byte // partial record (header included)
	hs      []byte // partial handshake message(s)
	ccs     bool   // ChangeCipherSpec seen: handshake now encrypted
	appData bool
	err     bool
	skip    int // bytes of an oversized record still to skip
}

// Parser parses one TLS connection.
type Parser struct {
	sides [2]side
	tx    Tx
	state applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one connection.
func New() *Parser { return &Parser{} }

// State reports StateEncrypted once application data was seen, StateError
// when both directions gave up.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns 1: a TLS flow has one transaction.
func (p *Parser) TxCount() int { return 1 }

// TxAt returns the transaction.
func (p *Parser) TxAt(int) applayer.Tx { return &p.tx }

// Tx returns the transaction with its concrete type.
func (p *Parser) Tx() *Tx { return &p.tx }

// Prune does nothing: the single transaction lives as long as the flow.
func (p *Parser) Prune(uint64) {}

// Gap marks the direction: a record boundary can no longer be trusted, so
// the direction stops being parsed.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	s := &p.sides[dir&1]
	s.err = true
	s.rec, s.hs = s.rec[:0], s.hs[:0]
	p.state |= applayer.StateGap
	p.tx.Gap = true
}

// Parse consumes the next in-order bytes of direction dir.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.sides[dir&1]
	defer p.tx.noteCertDone()
	if !s.err {
		p.tx.beginParse(dir, len(s.rec) == 0 && s.skip == 0) // ssl_state (state.go)
	}
	for len(data) > 0 && !s.err {
		if s.skip > 0 {
			n := min(s.skip, len(data))
			s.skip -= n
			data = data[n:]
			continue
		}
		if len(s.rec) > 0 || len(data) < 5 {
			if len(s.rec) < 5 {
				n := min(5-len(s.rec), len(data))
				s.rec = append(s.rec, data[:n]...)
				data = data[n:]
				if len(s.rec) < 5 {
					continue
				}
				if !p.checkHeader(s, s.rec) {
					return
				}
			}
			need := 5 + (int(s.rec[3])<<8 | int(s.rec[4]))
			n := min(need-len(s.rec), len(data))
			if n > 0 && cap(s.rec) < need {
				// Sized once to the record (at most 64 KiB) instead of
				// doubling up to it: half the garbage per reassembled
				// record.
				s.rec = slices.Grow(s.rec, need-len(s.rec))
			}
			s.rec = append(s.rec, data[:n]...)
			data = data[n:]
			if len(s.rec) == need {
				p.record(dir, s, s.rec[0], s.rec[5:])
				s.rec = s.rec[:0]
			}
			continue
		}
		// Fast path: whole records straight from data.
		if !p.checkHeader(s, data) {
			return
		}
		l := int(data[3])<<8 | int(data[4])
		if len(data) < 5+l {
			s.rec = append(s.rec, data...)
			return
		}
		p.record(dir, s, data[0], data[5:5+l])
		data = data[5+l:]
	}
}

// checkHeader validates a record header; on garbage the direction stops.
func (p *Parser) checkHeader(s *side, h []byte) bool {
	typ, l := h[0], int(h[3])<<8|int(h[4])
	if s == &p.sides[1] && p.tx.serverRecordVersion == 0 && h[1] == 3 {
		p.tx.serverRecordVersion = uint16(h[1])<<8 | uint16(h[2])
	}
	dir := applayer.ToServer
	if s == &p.sides[1] {
		dir = applayer.ToClient
	}
	if typ < recChangeCipherSpec || typ > recHeartbeat || h[1] != 3 || l > maxRecord {
		if h[0]&0x80 != 0 {
			p.tx.noteSSLv2(dir, h[2]) // ssl_state (state.go)
		}
		if h[0]&0x80 != 0 && !p.tx.HasClientHello && h[2] == 1 {
			// SSLv2-framed ClientHello: note the version and stop.
			p.tx.ClientVersion = VersionSSL2
			if h[3] == 3 {
				p.tx.ClientVersion = uint16(h[3])<<8 | uint16(h[4])
			}
		}
		s.err = true
		s.rec = s.rec[:0]
		if p.sides[0].err && p.sides[1].err {
			p.state |= applayer.StateError
		}
		return false
	}
	return true
}

func (p *Parser) record(dir applayer.Direction, s *side, typ byte, body []byte) {
	switch typ {
	case recChangeCipherSpec:
		s.ccs = true
		s.hs = s.hs[:0]
		if dir == applayer.ToServer {
			p.tx.clientDone = true
		}
	case recApplicationData:
		s.appData = true
		// Encrypted data ends that side's handshake, except TLS 1.3
		// early data sent before the ServerHello.
		if dir == applayer.ToClient {
			p.tx.serverDone = true
		} else if p.tx.HasServerHello || !slices.Contains(p.tx.Client.Extensions, extEarlyData) {
			p.tx.clientDone = true
		}
		if p.tx.HasServerHello || p.sides[0].appData && p.sides[1].appData {
			p.state |= applayer.StateEncrypted
			p.tx.Encrypted = true
		}
	case recHandshake:
		if s.ccs {
			return // encrypted Finished
		}
		if len(s.hs) == 0 {
			p.handshakes(dir, s, body, true)
			return
		}
		if len(s.hs)+len(body) > maxHandshake {
			s.err = true
			return
		}
		s.hs = append(s.hs, body...)
		p.handshakes(dir, s, s.hs, false)
	}
}

// handshakes parses whole handshake messages from b and keeps the rest in
// s.hs. inPlace says b is not s.hs.
func (p *Parser) handshakes(dir applayer.Direction, s *side, b []byte, inPlace bool) {
	for len(b) >= 4 {
		l := int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if l > maxHandshake {
			s.err = true
			return
		}
		if len(b) < 4+l {
			break
		}
		p.handshake(dir, b[0], b[4:4+l])
		b = b[4+l:]
	}
	if inPlace {
		s.hs = append(s.hs[:0], b...)
	} else {
		s.hs = append(s.hs[:0], b...) // overlapping copy is safe with append to [:0]
	}
}

func (p *Parser) handshake(dir applayer.Direction, typ byte, msg []byte) {
	t := &p.tx
	t.noteHandshake(dir, typ) // ssl_state (state.go)
	switch {
	case typ == hsClientHello && dir == applayer.ToServer && !t.HasClientHello:
		if ch, ok := parseClientHello(msg); ok {
			t.HasClientHello = true
			t.Client = ch
			t.ClientVersion = ch.Version
			t.ja3 = JA3(ch)
			sum := md5.Sum(t.ja3)
			t.ja3Hash = []byte(hex.EncodeToString(sum[:]))
			t.ja4 = []byte(JA4(ch, 't'))
		}
	case typ == hsServerHello && dir == applayer.ToClient && !t.HasServerHello:
		if sh, ok := parseServerHello(msg); ok {
			t.HasServerHello = true
			t.Server = sh
			t.ja3s = JA3S(sh)
			sum := md5.Sum(t.ja3s)
			t.ja3sHash = []byte(hex.EncodeToString(sum[:]))
		}
	case typ == hsCertificate && dir == applayer.ToClient && t.Certs == nil:
		t.Certs = parseCertificates(msg)
	case typ == hsCertificate && dir == applayer.ToServer && t.ClientCerts == nil:
		t.ClientCerts = parseCertificates(msg)
	case typ == hsCertificateRequest && dir == applayer.ToClient:
		t.needClientCert = true
	}
}
