package quic

import (
	"vigil/engine/applayer/quic/header"

	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
)

// Initial salts (RFC 9001 section 5.2, RFC 9369 section 3.3.1 and the
// drafts), by version.
var (
	saltV1      = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}
	saltV2      = []byte{0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9}
	saltDraft29 = []byte{0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97, 0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99}
	saltDraft23 = []byte{0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7, 0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02}
	saltQ050    = []byte{0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94, 0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45}
)

func initialSalt(v uint32) []byte {
	switch {
	case v == 1 || v >= 0xff000021 && v <= 0xff000022:
		return saltV1
	case v == header.VersionV2:
		return saltV2
	case v >= 0xff00001d && v <= 0xff000020:
		return saltDraft29
	case v == 0xfaceb002 || v >= 0xff000017 && v <= 0xff00001c:
		return saltDraft23
	case v == 0x51303530: // Q050
		return saltQ050
	}
	return nil
}

// dirKeys protect one direction's Initial packets.
type dirKeys struct {
	aead cipher.AEAD
	hp   cipher.Block
	iv   [12]byte
}

// keys are the Initial keys of both directions: [0] client (to server),
// [1] server (to client).
type keys [2]dirKeys

// expandLabel is HKDF-Expand-Label of TLS 1.3 (RFC 8446 section 7.1)
// with an empty context.
func expandLabel(secret []byte, label string, n int) []byte {
	info := make([]byte, 0, 4+6+len(label))
	info = binary.BigEndian.AppendUint16(info, uint16(n))
	info = append(info, byte(6+len(label)))
	info = append(info, "tls13 "...)
	info = append(info, label...)
	info = append(info, 0)
	out, err := hkdf.Expand(sha256.New, secret, string(info), n)
	if err != nil {
		panic("quic: hkdf expand: " + err.Error()) // only for n beyond 255*32
	}
	return out
}

// initialKeys derives the Initial keys of version v from the client's
// first Destination Connection ID; false for versions without known salt.
func initialKeys(v uint32, dcid []byte) (*keys, bool) {
	salt := initialSalt(v)
	if salt == nil {
		return nil, false
	}
	prk, err := hkdf.Extract(sha256.New, dcid, salt)
	if err != nil {
		return nil, false
	}
	prefix := "quic "
	if v == header.VersionV2 {
		prefix = "quicv2 "
	}
	var k keys
	for i, label := range []string{"client in", "server in"} {
		secret := expandLabel(prk, label, 32)
		block, err := aes.NewCipher(expandLabel(secret, prefix+"key", 16))
		if err != nil {
			return nil, false
		}
		if k[i].aead, err = cipher.NewGCM(block); err != nil {
			return nil, false
		}
		if k[i].hp, err = aes.NewCipher(expandLabel(secret, prefix+"hp", 16)); err != nil {
			return nil, false
		}
		copy(k[i].iv[:], expandLabel(secret, prefix+"iv", 12))
	}
	return &k, true
}

// decrypt removes header protection from the packet pkt (header up to
// and including the packet number, then the payload; pnOff is the offset
// of the packet number, pkt ends where the packet does) and decrypts its
// payload into dst. The packet number is used as sent (no reconstruction):
// Initial packets of a flow's start have small numbers.
func (k *dirKeys) decrypt(dst, pkt []byte, pnOff int) ([]byte, bool) {
	if len(pkt) < pnOff+4+16 {
		return nil, false
	}
	var mask [16]byte
	k.hp.Encrypt(mask[:], pkt[pnOff+4:pnOff+4+16])
	hdr := make([]byte, pnOff+4)
	copy(hdr, pkt)
	if hdr[0]&0x80 != 0 {
		hdr[0] ^= mask[0] & 0x0f
	} else {
		hdr[0] ^= mask[0] & 0x1f
	}
	pnLen := int(hdr[0]&3) + 1
	var pn uint64
	for i := 0; i < pnLen; i++ {
		hdr[pnOff+i] ^= mask[1+i]
		pn = pn<<8 | uint64(hdr[pnOff+i])
	}
	hdr = hdr[:pnOff+pnLen]
	payload := pkt[pnOff+pnLen:]
	if len(payload) < k.aead.Overhead() {
		return nil, false
	}
	nonce := k.iv
	for i := 0; i < 8; i++ {
		nonce[4+i] ^= byte(pn >> (56 - 8*i))
	}
	out, err := k.aead.Open(dst[:0], nonce[:], payload, hdr)
	return out, err == nil
}
