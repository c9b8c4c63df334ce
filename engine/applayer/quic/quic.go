package quic

import (
	"vigil/engine/applayer/quic/header"

	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/tls"
)

// MaxTx caps live transactions per flow; the oldest are dropped first.
const MaxTx = 256

// Event is a QUIC app-layer event of a transaction (Suricata's names in
// EventNames).
type Event uint8

// Events.
const (
	EventFailedDecrypt Event = 1 << iota
	EventErrorOnData
	EventCryptoFragTooLong
)

// Extension is one TLS extension of a hello with the values Suricata
// logs: the server names, ALPN protocols, signature algorithms (decimal)
// and supported versions.
type Extension struct {
	Type   uint16
	Values [][]byte
}

// Cyu is a CYU fingerprint of a gQUIC handshake message.
type Cyu struct {
	String, Hash []byte
}

// Tx is one long-header packet of one direction.
type Tx struct {
	id  uint64
	dir applayer.Direction
	// Type and Version come from the packet header; Long is true for
	// long headers (quic.version is only set for them).
	Type    header.PacketType
	Long    bool
	Version uint32
	ver     [4]byte
	// SNI and UA are copies; nil when absent.
	SNI, UA    []byte
	Extensions []Extension
	Cyu        []Cyu
	// ja3 is the JA3 string of a ClientHello (dir ToServer) or the JA3S
	// string of a ServerHello (ToClient); ja4 only for a ClientHello.
	ja3, ja3Hash, ja4 []byte
	Events            Event
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoQUIC.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoQUIC }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Dir returns the direction the packet was sent in.
func (t *Tx) Dir() applayer.Direction { return t.dir }

// Complete is true: a transaction is one whole packet.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// JA3 returns the JA3 (client) or JA3S (server) string and its MD5 hex.
func (t *Tx) JA3() (str, hash []byte) { return t.ja3, t.ja3Hash }

// JA4 returns the JA4 fingerprint of a ClientHello.
func (t *Tx) JA4() []byte { return t.ja4 }

// Buffer returns buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns the quic.* buffers and the TLS fingerprints of the
// packet. quic.version is the 4 raw version bytes of a long header;
// quic.cyu.hash and quic.cyu.string have one instance per fingerprint.
// JA3 and JA4 belong to the client's transactions, JA3S to the server's.
// A transaction belongs to the direction of its packet (Suricata 8
// transactions are unidirectional), so nothing is returned for the other.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if dir != t.dir {
		return nil, false
	}
	switch b {
	case bufid.QUICCyuHash:
		if i < len(t.Cyu) {
			return t.Cyu[i].Hash, true
		}
		return nil, false
	case bufid.QUICCyuString:
		if i < len(t.Cyu) {
			return t.Cyu[i].String, true
		}
		return nil, false
	}
	if i != 0 {
		return nil, false
	}
	var v []byte
	switch b {
	case bufid.QUICVersion:
		if t.Long {
			return t.ver[:], true
		}
	case bufid.QUICSNI:
		v = t.SNI
	case bufid.QUICUA:
		v = t.UA
	case bufid.JA3String, bufid.JA3Hash, bufid.JA4Hash:
		if t.dir != applayer.ToServer || dir != applayer.ToServer {
			return nil, false
		}
		switch b {
		case bufid.JA3String:
			v = t.ja3
		case bufid.JA3Hash:
			v = t.ja3Hash
		default:
			v = t.ja4
		}
	case bufid.JA3SString, bufid.JA3SHash:
		if t.dir != applayer.ToClient || dir != applayer.ToClient {
			return nil, false
		}
		v = t.ja3
		if b == bufid.JA3SHash {
			v = t.ja3Hash
		}
	}
	return v, v != nil
}

// cryptoBuf reassembles one direction's CRYPTO stream up to the hello.
type cryptoBuf struct {
	frags []cryptoFrag // copies, in arrival order
	long  bool         // exceeded maxCrypto: given up
}

// contiguous returns the bytes from offset 0 covered so far.
func (c *cryptoBuf) contiguous() []byte {
	var out []byte
	for grew := true; grew; {
		grew = false
		for _, f := range c.frags {
			end := f.off + uint64(len(f.data))
			if f.off <= uint64(len(out)) && end > uint64(len(out)) {
				out = append(out, f.data[uint64(len(out))-f.off:]...)
				grew = true
			}
		}
	}
	return out
}

// Parser parses the QUIC packets of one UDP flow.
type Parser struct {
	txs     applayer.TxQueue[*Tx]
	next    uint64
	keys    *keys
	retried bool
	hello   [2]bool
	crypto  [2]cryptoBuf
	buf     []byte // decryption output, reused
	// Malformed counts datagrams whose headers did not parse.
	Malformed int
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// ParseDatagram handles one UDP payload: one or more coalesced packets.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) {
	d := dir & 1
	for len(data) > 0 {
		h, ok := header.Parse(data)
		if !ok {
			p.Malformed++
			return
		}
		if p.hello[d] || h.Type == header.Short {
			return // the rest of this direction is encrypted
		}
		switch {
		case p.keys == nil && h.Type == header.Initial:
			p.keys, _ = initialKeys(h.Version, h.DCID)
		case dir == applayer.ToClient && p.keys != nil && h.Type == header.Retry && !p.retried:
			// The client starts over with the DCID the Retry gives.
			p.hello[applayer.ToServer], p.keys, p.retried = false, nil, true
			p.crypto[applayer.ToServer] = cryptoBuf{}
		}
		end := h.PNOffset + h.Length
		pkt, payload := data[:end], data[h.PNOffset:end]
		data = data[end:]
		t := p.newTx(dir, h)
		if h.Type != header.Initial {
			continue
		}
		if p.keys != nil && len(payload) > 0 {
			out, ok := p.keys[d].decrypt(p.buf, pkt, h.PNOffset)
			if !ok {
				t.Events |= EventFailedDecrypt
				return
			}
			p.buf, payload = out[:0], out
		}
		fr, err := parseFrames(payload)
		if err != nil {
			t.Events |= EventErrorOnData
			return
		}
		p.handle(t, h, fr)
	}
}

func (p *Parser) newTx(dir applayer.Direction, h header.Header) *Tx {
	t := &Tx{id: p.next, dir: dir, Type: h.Type, Long: h.Long, Version: h.Version}
	binary.BigEndian.PutUint32(t.ver[:], h.Version)
	p.next++
	p.txs.Push(t, MaxTx)
	return t
}

// cyuVersion is the version field of a CYU string.
func cyuVersion(v uint32) string {
	switch v {
	case header.VersionQ043:
		return "43"
	case header.VersionQ044, header.VersionQ045: // Suricata writes 44 for both
		return "44"
	case header.VersionQ046:
		return "46"
	}
	return ""
}

// handle fills t from the frames of an Initial packet.
func (p *Parser) handle(t *Tx, h header.Header, fr frames) {
	cv := cyuVersion(h.Version)
	for _, tags := range fr.tags {
		for _, tp := range tags {
			switch tp.tag {
			case tagSNI:
				if t.SNI == nil {
					t.SNI = tp.value
				}
			case tagUAID:
				if t.UA == nil {
					t.UA = tp.value
				}
			}
		}
		if cv != "" {
			s := append([]byte(cv), ',')
			for i, tp := range tags {
				if i > 0 {
					s = append(s, '-')
				}
				n, _ := tagName(tp.tag)
				s = append(s, n...)
			}
			t.Cyu = append(t.Cyu, Cyu{String: s, Hash: md5Hex(s)})
		}
	}
	if len(fr.crypto) == 0 {
		return
	}
	d := t.dir & 1
	c := &p.crypto[d]
	if c.long {
		return
	}
	for _, f := range fr.crypto {
		if f.off+uint64(len(f.data)) >= maxCrypto {
			c.long = true
			t.Events |= EventCryptoFragTooLong
			return
		}
		c.frags = append(c.frags, cryptoFrag{f.off, append([]byte(nil), f.data...)})
	}
	msg := c.contiguous()
	if len(msg) < 4 {
		return
	}
	l := int(msg[1])<<16 | int(msg[2])<<8 | int(msg[3])
	if len(msg) < 4+l {
		return
	}
	body := msg[4 : 4+l]
	switch msg[0] {
	case 1:
		ch, ok := tls.ParseClientHello(body)
		if !ok {
			return
		}
		t.SNI = ch.SNI
		t.ja3 = clientJA3(ch)
		t.ja4 = []byte(tls.JA4(ch, 'q'))
		t.Extensions = clientExtensions(ch)
	case 2:
		sh, ok := tls.ParseServerHello(body)
		if !ok {
			return
		}
		t.ja3 = serverJA3(sh)
		t.Extensions = serverExtensions(sh)
	default:
		return
	}
	t.ja3Hash = md5Hex(t.ja3)
	p.hello[d], c.frags = true, nil
}

func md5Hex(b []byte) []byte {
	s := md5.Sum(b)
	return []byte(hex.EncodeToString(s[:]))
}

func appendU16s(b []byte, v []uint16) []byte {
	for i, x := range v {
		if i > 0 {
			b = append(b, '-')
		}
		b = strconv.AppendUint(b, uint64(x), 10)
	}
	return b
}

// clientJA3 is the JA3 string Suricata computes for a ClientHello in
// QUIC: as in TLS, but GREASE values are kept.
func clientJA3(ch tls.ClientHello) []byte {
	b := strconv.AppendUint(nil, uint64(ch.Version), 10)
	b = append(b, ',')
	b = appendU16s(b, ch.Ciphers)
	b = append(b, ',')
	b = appendU16s(b, ch.Extensions)
	b = append(b, ',')
	b = appendU16s(b, ch.Groups)
	b = append(b, ',')
	for i, f := range ch.PointFormats {
		if i > 0 {
			b = append(b, '-')
		}
		b = strconv.AppendUint(b, uint64(f), 10)
	}
	return b
}

// serverJA3 is the JA3S string of a ServerHello, GREASE values kept.
func serverJA3(sh tls.ServerHello) []byte {
	b := strconv.AppendUint(nil, uint64(sh.Version), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(sh.Cipher), 10)
	b = append(b, ',')
	return appendU16s(b, sh.Extensions)
}

// versionName is how Suricata's quic record names a TLS version in the
// supported_versions extension.
func versionName(v uint16) []byte {
	switch v {
	case 0x0300:
		return []byte("Ssl30")
	case 0x0301:
		return []byte("Tls10")
	case 0x0302:
		return []byte("Tls11")
	case 0x0303:
		return []byte("Tls12")
	case 0x0304:
		return []byte("Tls13")
	}
	if v>>8 == 0x7f {
		return []byte("Tls13Draft" + strconv.Itoa(int(v&0xff)))
	}
	return []byte("TlsVersion(" + strconv.Itoa(int(v)) + " / 0x" + strconv.FormatUint(uint64(v), 16) + ")")
}

func clientExtensions(ch tls.ClientHello) []Extension {
	out := make([]Extension, 0, len(ch.Extensions))
	for _, e := range ch.Extensions {
		x := Extension{Type: e}
		switch e {
		case 0:
			if ch.SNI != nil {
				x.Values = [][]byte{ch.SNI}
			}
		case 13:
			for _, s := range ch.SigAlgs {
				x.Values = append(x.Values, strconv.AppendUint(nil, uint64(s), 10))
			}
		case 16:
			x.Values = ch.ALPN
		case 43:
			for _, v := range ch.SupportedVersions {
				x.Values = append(x.Values, versionName(v))
			}
		}
		out = append(out, x)
	}
	return out
}

func serverExtensions(sh tls.ServerHello) []Extension {
	out := make([]Extension, 0, len(sh.Extensions))
	for _, e := range sh.Extensions {
		x := Extension{Type: e}
		switch e {
		case 16:
			if sh.ALPN != nil {
				x.Values = [][]byte{sh.ALPN}
			}
		case 43:
			if sh.SelectedVersion != 0 {
				x.Values = [][]byte{versionName(sh.SelectedVersion)}
			}
		}
		out = append(out, x)
	}
	return out
}

// Parse treats stream data as one datagram (QUIC runs over UDP only).
func (p *Parser) Parse(dir applayer.Direction, data []byte) { p.ParseDatagram(dir, data) }

// Gap is a no-op: datagrams carry no framing to lose.
func (p *Parser) Gap(applayer.Direction, int) {}

// State is StateEncrypted once both hellos have been seen.
func (p *Parser) State() applayer.State {
	if p.hello[0] && p.hello[1] {
		return applayer.StateEncrypted
	}
	return 0
}

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
