package quic

import (
	"vigil/engine/applayer/quic/header"

	"encoding/binary"
	"errors"
)

// maxCrypto bounds the reassembled CRYPTO data of a direction (Suricata's
// limit on a fragmented hello).
const maxCrypto = 65535

var errFrame = errors.New("quic: malformed frame")

// tagPair is one tag of a gQUIC crypto handshake message and its value.
type tagPair struct {
	tag   uint32
	value []byte
}

// frames is what the frames of one packet carry that the parser keeps.
type frames struct {
	crypto []cryptoFrag
	tags   [][]tagPair // one list per stream frame holding a handshake message
}

type cryptoFrag struct {
	off  uint64
	data []byte
}

// parseFrames decodes the frames of a decrypted (or gQUIC clear-text)
// payload. An unknown frame type ends decoding (its length is unknown),
// keeping what was decoded before it.
func parseFrames(b []byte) (frames, error) {
	var f frames
	for len(b) > 0 {
		t := b[0]
		b = b[1:]
		if t&0x80 != 0 {
			var err error
			if b, err = f.gquicStream(b, t); err != nil {
				return f, err
			}
			continue
		}
		switch t {
		case 0x00: // PADDING
			for len(b) > 0 && b[0] == 0 {
				b = b[1:]
			}
		case 0x01: // PING
		case 0x02, 0x03: // ACK: largest, delay, range count, first range, ranges, ECN counts
			var err error
			if b, err = skipAck(b, t == 0x03); err != nil {
				return f, err
			}
		case 0x06: // CRYPTO
			off, k, ok := header.VarInt(b)
			if !ok {
				return f, errFrame
			}
			b = b[k:]
			l, k, ok := header.VarInt(b)
			if !ok || l > uint64(len(b)-k) {
				return f, errFrame
			}
			b = b[k:]
			f.crypto = append(f.crypto, cryptoFrag{off, b[:l]})
			b = b[l:]
		case 0x08: // gQUIC crypto stream
			if _, k, ok := header.VarInt(b); ok {
				b = b[k:]
			} else {
				return f, errFrame
			}
			l, k, ok := header.VarInt(b)
			if !ok || l > uint64(len(b)-k) {
				return f, errFrame
			}
			b = b[k:]
			if tags, ok := parseTags(b[:l]); ok {
				f.tags = append(f.tags, tags)
			}
			b = b[l:]
		default:
			return f, nil
		}
	}
	return f, nil
}

// gquicStream decodes a gQUIC STREAM frame of type t.
func (f *frames) gquicStream(b []byte, t byte) ([]byte, error) {
	offLen := int(t & 0x1c >> 2)
	if offLen != 0 {
		offLen++
	}
	n := int(t&3) + 1 + offLen
	if len(b) < n {
		return nil, errFrame
	}
	b = b[n:]
	l := len(b)
	if t&0x20 != 0 {
		if len(b) < 2 {
			return nil, errFrame
		}
		l = int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if l > len(b) {
			return nil, errFrame
		}
	}
	if tags, ok := parseTags(b[:l]); ok {
		f.tags = append(f.tags, tags)
	}
	return b[l:], nil
}

// tagNames are the gQUIC handshake tags Suricata recognises; a message
// with any other tag is not decoded. Three-letter tags end in a zero byte.
var tagNames = [...]string{"AEAD", "CCRT", "CCS\x00", "CETV", "CFCW", "CHLO", "COPT", "CSCT", "CTIM", "ICSL",
	"IRTT", "KEXS", "MIDS", "MSPC", "NONC", "NONP", "PAD\x00", "PDMD", "PUBS", "SCID", "SCLS", "SFCW", "SMHL",
	"SNI\x00", "SNO\x00", "STK\x00", "TCID", "UAID", "VER\x00", "XLCT"}

// tagName returns the name of a known tag ("SNI", "PAD").
func tagName(t uint32) (string, bool) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], t)
	for _, n := range tagNames {
		if n == string(b[:]) {
			if b[3] == 0 {
				return n[:3], true
			}
			return n, true
		}
	}
	return "", false
}

// Tags with meaning to detection.
const (
	tagSNI  = 0x534e4900
	tagUAID = 0x55414944
)

// parseTags decodes a whole gQUIC handshake message: message tag, entry
// count, padding, (tag, end offset) pairs, values.
func parseTags(b []byte) ([]tagPair, bool) {
	if len(b) < 8 {
		return nil, false
	}
	if _, ok := tagName(binary.BigEndian.Uint32(b)); !ok {
		return nil, false
	}
	n := int(binary.LittleEndian.Uint16(b[4:]))
	b = b[8:]
	if len(b) < 8*n {
		return nil, false
	}
	idx, vals := b[:8*n], b[8*n:]
	tags := make([]tagPair, 0, n)
	prev := uint32(0)
	for i := 0; i < n; i++ {
		tag := binary.BigEndian.Uint32(idx[8*i:])
		if _, ok := tagName(tag); !ok {
			return nil, false
		}
		end := binary.LittleEndian.Uint32(idx[8*i+4:])
		if end < prev || uint64(end-prev) > uint64(len(vals)) {
			return nil, false
		}
		l := int(end - prev)
		tags = append(tags, tagPair{tag, append([]byte(nil), vals[:l]...)})
		vals, prev = vals[l:], end
	}
	if len(vals) != 0 {
		return nil, false
	}
	return tags, true
}

// skipAck skips the body of an ACK frame (ecn: type 0x03).
func skipAck(b []byte, ecn bool) ([]byte, error) {
	var v [4]uint64
	for i := range v {
		x, k, ok := header.VarInt(b)
		if !ok {
			return nil, errFrame
		}
		v[i], b = x, b[k:]
	}
	n := v[2] * 2
	if ecn {
		n += 3
	}
	for ; n > 0; n-- {
		_, k, ok := header.VarInt(b)
		if !ok {
			return nil, errFrame
		}
		b = b[k:]
	}
	return b, nil
}
