package ssh

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

const (
	maxBanner   = 255 // RFC 4253: identification string incl. CRLF
	maxPreLines = 32 * 1024
	maxPacket   = 256 * 1024
	msgKexInit  = 20
	msgNewKeys  = 21
)

// Endpoint is what one side announced.
type Endpoint struct {
	ProtoVersion    []byte // "2.0"
	SoftwareVersion []byte // "OpenSSH_8.9p1"
	Comments        []byte
	// HASSHString is "kex;enc;mac;comp" of this side's KEXINIT for its
	// sending direction; HASSH is its md5 hex.
	HASSHString, HASSH []byte
	KexInit            bool
	NewKeys            bool
}

type side struct {
	line   []byte // partial banner line
	pre    int    // bytes of lines before the banner
	banner bool
	pkt    []byte // partial binary packet
	done   bool
}

// Parser parses one SSH connection.
type Parser struct {
	sides [2]side
	tx    Tx
	state applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one connection.
func New() *Parser { return &Parser{} }

// State reports StateEncrypted after NEWKEYS both ways.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns 1.
func (p *Parser) TxCount() int { return 1 }

// TxAt returns the transaction.
func (p *Parser) TxAt(int) applayer.Tx { return &p.tx }

// Tx returns the transaction with its concrete type.
func (p *Parser) Tx() *Tx { return &p.tx }

// Prune does nothing: the transaction lives as long as the flow.
func (p *Parser) Prune(uint64) {}

// Gap stops parsing the direction (packet framing is lost).
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n > 0 {
		p.sides[dir&1].done = true
		p.state |= applayer.StateGap
	}
}

// Parse consumes the next in-order bytes of direction dir.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.sides[dir&1]
	ep := p.tx.endpoint(dir)
	for len(data) > 0 && !s.done {
		if !s.banner {
			i := bytes.IndexByte(data, '\n')
			if i < 0 {
				if len(s.line)+len(data) > maxBanner {
					// Over-long line: keep the start only.
					data = data[:max(0, min(len(data), maxBanner-len(s.line)))]
				}
				s.line = append(s.line, data...)
				return
			}
			s.line = append(s.line, data[:i+1]...)
			data = data[i+1:]
			line := bytes.TrimRight(s.line, "\r\n")
			if bytes.HasPrefix(line, []byte("SSH-")) {
				parseBanner(ep, line)
				s.banner = true
			} else {
				s.pre += len(s.line)
				if s.pre > maxPreLines {
					s.done = true
					p.state |= applayer.StateError
				}
			}
			s.line = s.line[:0]
			continue
		}
		// Binary packets: uint32 length, then length bytes.
		if len(s.pkt) == 0 && len(data) >= 4 {
			l := int(data[0])<<24 | int(data[1])<<16 | int(data[2])<<8 | int(data[3])
			if l > maxPacket || l < 2 {
				s.done = true
				p.state |= applayer.StateError
				return
			}
			if len(data) >= 4+l {
				p.packet(dir, s, ep, data[4:4+l])
				data = data[4+l:]
				continue
			}
		}
		if len(s.pkt) < 4 {
			k := min(4-len(s.pkt), len(data))
			s.pkt = append(s.pkt, data[:k]...)
			data = data[k:]
			if len(s.pkt) == 4 {
				l := int(s.pkt[0])<<24 | int(s.pkt[1])<<16 | int(s.pkt[2])<<8 | int(s.pkt[3])
				if l > maxPacket || l < 2 {
					s.done = true
					p.state |= applayer.StateError
					return
				}
			}
			continue
		}
		need := 4 + (int(s.pkt[0])<<24 | int(s.pkt[1])<<16 | int(s.pkt[2])<<8 | int(s.pkt[3]))
		k := min(need-len(s.pkt), len(data))
		s.pkt = append(s.pkt, data[:k]...)
		data = data[k:]
		if len(s.pkt) == need {
			p.packet(dir, s, ep, s.pkt[4:])
			s.pkt = s.pkt[:0]
		}
	}
}

// packet handles one binary packet body: padding_length, payload, padding.
func (p *Parser) packet(dir applayer.Direction, s *side, ep *Endpoint, b []byte) {
	pad := int(b[0])
	if 1+pad > len(b) {
		return
	}
	payload := b[1 : len(b)-pad]
	if len(payload) == 0 {
		return
	}
	switch payload[0] {
	case msgKexInit:
		if !ep.KexInit {
			parseKexInit(ep, payload[1:], dir)
		}
	case msgNewKeys:
		ep.NewKeys = true
		s.done = true
		if p.tx.Client.NewKeys && p.tx.Server.NewKeys {
			p.state |= applayer.StateEncrypted
		}
	}
}

// parseBanner splits "SSH-proto-software comments".
func parseBanner(ep *Endpoint, line []byte) {
	rest := line[4:]
	i := bytes.IndexByte(rest, '-')
	if i < 0 {
		ep.ProtoVersion = append([]byte(nil), rest...)
		return
	}
	ep.ProtoVersion = append([]byte(nil), rest[:i]...)
	sw := rest[i+1:]
	if j := bytes.IndexByte(sw, ' '); j >= 0 {
		ep.Comments = append([]byte(nil), sw[j+1:]...)
		sw = sw[:j]
	}
	ep.SoftwareVersion = append([]byte{}, sw...)
}

// parseKexInit reads the name-lists after the 16-byte cookie and builds the
// HASSH string for the sender's direction.
func parseKexInit(ep *Endpoint, b []byte, dir applayer.Direction) {
	if len(b) < 16 {
		return
	}
	b = b[16:]
	var lists [10][]byte
	for i := range lists {
		if len(b) < 4 {
			return
		}
		l := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
		if l < 0 || l > len(b)-4 {
			return
		}
		lists[i] = b[4 : 4+l]
		b = b[4+l:]
	}
	// 0 kex, 1 hostkey, 2 enc c2s, 3 enc s2c, 4 mac c2s, 5 mac s2c,
	// 6 comp c2s, 7 comp s2c.
	enc, mac, comp := lists[2], lists[4], lists[6]
	if dir == applayer.ToClient {
		enc, mac, comp = lists[3], lists[5], lists[7]
	}
	var h []byte
	h = append(h, lists[0]...)
	h = append(append(h, ';'), enc...)
	h = append(append(h, ';'), mac...)
	h = append(append(h, ';'), comp...)
	sum := md5.Sum(h)
	ep.HASSHString = h
	ep.HASSH = []byte(hex.EncodeToString(sum[:]))
	ep.KexInit = true
}

// Tx is the single transaction of an SSH flow.
type Tx struct {
	Client, Server Endpoint
}

var _ applayer.Tx = (*Tx)(nil)

func (t *Tx) endpoint(dir applayer.Direction) *Endpoint {
	if dir == applayer.ToClient {
		return &t.Server
	}
	return &t.Client
}

// Proto returns bufid.ProtoSSH.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoSSH }

// ID returns 0.
func (t *Tx) ID() uint64 { return 0 }

// Complete reports whether side dir sent NEWKEYS.
func (t *Tx) Complete(dir applayer.Direction) bool { return t.endpoint(dir).NewKeys }

// Buffer returns ssh.proto/ssh.software of side dir and the HASSH buffers.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	switch b {
	case bufid.SSHProto:
		return t.endpoint(dir).ProtoVersion
	case bufid.SSHSoftware:
		return t.endpoint(dir).SoftwareVersion
	case bufid.HASSH:
		return t.Client.HASSH
	case bufid.HASSHString:
		return t.Client.HASSHString
	case bufid.HASSHServer:
		return t.Server.HASSH
	case bufid.HASSHServerString:
		return t.Server.HASSHString
	}
	return nil
}

// BufferAt returns Buffer for i == 0.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	v := t.Buffer(dir, b)
	return v, v != nil
}

// FillEVE sets r.SSH to Suricata's "ssh" object: protocol and software
// version and HASSH of both sides. dir is unused. Output path: allocates
// the object; its slices point into t.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	host := func(ep *Endpoint) eve.SSHHost {
		return eve.SSHHost{ProtoVersion: ep.ProtoVersion, SoftwareVersion: ep.SoftwareVersion,
			Hassh: eve.Hash{Hash: ep.HASSH, String: ep.HASSHString}}
	}
	r.SSH = &eve.SSH{Client: host(&t.Client), Server: host(&t.Server)}
	return true
}
