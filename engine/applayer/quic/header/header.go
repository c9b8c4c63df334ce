package header

import (
	"encoding/binary"
	"strconv"
)

// PacketType is the type of a QUIC packet.
type PacketType uint8

// Packet types.
const (
	Initial PacketType = iota
	ZeroRTT
	Handshake
	Retry
	VersionNegotiation
	Short
)

// Versions with a name of their own in Suricata's records.
const (
	VersionQ039 = 0x51303339
	VersionQ043 = 0x51303433
	VersionQ044 = 0x51303434
	VersionQ045 = 0x51303435
	VersionQ046 = 0x51303436
	VersionV2   = 0x6b3343cf
)

// IsGQUIC reports whether v is one of the gQUIC versions Q043..Q046.
func IsGQUIC(v uint32) bool { return v >= VersionQ043 && v <= VersionQ046 }

// VersionString names a version as Suricata's quic record does: "Q0xx"
// for the gQUIC versions it knows, "v2", otherwise lower-case hex ("1").
func VersionString(v uint32) string {
	switch v {
	case VersionQ039, VersionQ043, VersionQ044, VersionQ045, VersionQ046:
		return string([]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
	case VersionV2:
		return "v2"
	}
	return strconv.FormatUint(uint64(v), 16)
}

// Header is the parsed clear part of a packet header.
type Header struct {
	First   byte
	Long    bool
	Type    PacketType
	Version uint32
	HasVer  bool // the header carries a version (long, or gQUIC with the version flag)
	DCID    []byte
	SCID    []byte
	// PNOffset is the offset of the packet number (IETF Initial) or of
	// the payload; Length the bytes from PNOffset that belong to this
	// packet.
	PNOffset int
	Length   int
}

// gQUIC public header flags.
const (
	flagVersion   = 0x01
	flagNonce     = 0x04
	flagConnID    = 0x08
	flagMultipath = 0x40
)

// VarInt reads a QUIC variable-length integer (RFC 9000 section 16).
func VarInt(b []byte) (uint64, int, bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	n := 1 << (b[0] >> 6)
	if len(b) < n {
		return 0, 0, false
	}
	v := uint64(b[0] & 0x3f)
	for i := 1; i < n; i++ {
		v = v<<8 | uint64(b[i])
	}
	return v, n, true
}

// Parse parses the header of the packet at the start of b. Short
// IETF headers carry no length: Length is the rest of b.
func Parse(b []byte) (Header, bool) {
	var h Header
	if len(b) < 1 {
		return h, false
	}
	h.First = b[0]
	rest := b[1:]
	off := 1
	take := func(n int) ([]byte, bool) {
		if n < 0 || len(rest) < n {
			return nil, false
		}
		v := rest[:n]
		rest = rest[n:]
		off += n
		return v, true
	}
	if h.First&0x80 == 0 {
		if h.First&flagMultipath != 0 {
			// IETF short header.
			h.Type, h.PNOffset, h.Length = Short, off, len(rest)
			return h, true
		}
		// gQUIC public header.
		var ok bool
		if h.First&flagConnID != 0 {
			if h.DCID, ok = take(8); !ok {
				return h, false
			}
		}
		if h.First&flagNonce != 0 && h.First&flagConnID == 0 {
			if _, ok = take(32); !ok {
				return h, false
			}
		}
		h.Type = Short
		if h.First&flagVersion != 0 {
			v, ok := take(4)
			if !ok {
				return h, false
			}
			h.Version, h.HasVer, h.Type = binary.BigEndian.Uint32(v), true, Initial
		}
		if _, ok = take(1 + int(h.First&0x30>>4)); !ok {
			return h, false
		}
		if h.First&flagConnID != 0 {
			if _, ok = take(12); !ok {
				return h, false
			}
		}
		h.PNOffset, h.Length = off, len(rest)
		return h, true
	}
	h.Long = true
	v, ok := take(4)
	if !ok {
		return h, false
	}
	h.Version, h.HasVer = binary.BigEndian.Uint32(v), true
	bits := h.First & 0x30 >> 4
	switch {
	case h.Version == 0:
		h.Type = VersionNegotiation
	case IsGQUIC(h.Version) && h.Version != VersionQ046:
		switch h.First & 0x7f {
		case 0x7f:
			h.Type = Initial
		case 0x7e:
			h.Type = Retry
		case 0x7d:
			h.Type = Handshake
		case 0x7c:
			h.Type = ZeroRTT
		default:
			return h, false
		}
	case h.Version == VersionV2:
		h.Type = [4]PacketType{Retry, Initial, ZeroRTT, Handshake}[bits]
	default:
		h.Type = [4]PacketType{Initial, ZeroRTT, Handshake, Retry}[bits]
	}
	if IsGQUIC(h.Version) {
		l, ok := take(1)
		if !ok {
			return h, false
		}
		dl, sl := int(l[0]>>4), int(l[0]&0xf)
		if dl != 0 {
			dl += 3
		}
		if sl != 0 {
			sl += 3
		}
		if h.DCID, ok = take(dl); !ok {
			return h, false
		}
		if h.SCID, ok = take(sl); !ok {
			return h, false
		}
	} else {
		l, ok := take(1)
		if !ok {
			return h, false
		}
		if h.DCID, ok = take(int(l[0])); !ok {
			return h, false
		}
		if l, ok = take(1); !ok {
			return h, false
		}
		if h.SCID, ok = take(int(l[0])); !ok {
			return h, false
		}
	}
	hasLen := false
	switch h.Type {
	case Initial:
		if IsGQUIC(h.Version) {
			if _, ok := take(4 + 12); !ok { // packet number, message authentication hash
				return h, false
			}
		} else {
			tl, n, ok := VarInt(rest)
			if !ok {
				return h, false
			}
			take(n)
			if tl > uint64(len(rest)) {
				return h, false
			}
			take(int(tl))
			hasLen = true
		}
	case Retry:
		take(len(rest))
	}
	if hasLen {
		pl, n, ok := VarInt(rest)
		if !ok {
			return h, false
		}
		take(n)
		if pl > uint64(len(rest)) || pl > 0xffff {
			return h, false
		}
		h.PNOffset, h.Length = off, int(pl)
		return h, true
	}
	if len(rest) > 0xffff {
		return h, false
	}
	h.PNOffset, h.Length = off, len(rest)
	return h, true
}
