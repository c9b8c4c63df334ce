package tls

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
)

// reader is a bounds-checked big-endian reader; any short read sets bad.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) u8() byte {
	if len(r.b) < 1 {
		r.bad = true
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) u16() uint16 {
	if len(r.b) < 2 {
		r.bad = true
		r.b = nil
		return 0
	}
	v := uint16(r.b[0])<<8 | uint16(r.b[1])
	r.b = r.b[2:]
	return v
}

func (r *reader) bytes(n int) []byte {
	if n < 0 || len(r.b) < n {
		r.bad = true
		r.b = nil
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) vec8() []byte  { return r.bytes(int(r.u8())) }
func (r *reader) vec16() []byte { return r.bytes(int(r.u16())) }

func u16s(b []byte) []uint16 {
	out := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		out = append(out, uint16(b[i])<<8|uint16(b[i+1]))
	}
	return out
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// parseClientHello parses a ClientHello body (RFC 8446 4.1.2). Slices in
// the result are copies.
func parseClientHello(b []byte) (ClientHello, bool) {
	var ch ClientHello
	r := reader{b: b}
	ch.Version = r.u16()
	ch.Random = clone(r.bytes(32))
	ch.SessionID = clone(r.vec8())
	ch.Ciphers = u16s(r.vec16())
	ch.Compression = clone(r.vec8())
	if r.bad {
		return ch, false
	}
	if len(r.b) < 2 {
		return ch, true // no extensions (SSLv3 style)
	}
	exts := reader{b: r.vec16()}
	for len(exts.b) >= 4 && !exts.bad {
		typ := exts.u16()
		data := exts.vec16()
		if exts.bad {
			break
		}
		ch.Extensions = append(ch.Extensions, typ)
		e := reader{b: data}
		switch typ {
		case 0: // server_name
			list := reader{b: e.vec16()}
			for len(list.b) > 0 && !list.bad {
				nt := list.u8()
				name := list.vec16()
				if nt == 0 && ch.SNI == nil && !list.bad {
					ch.SNI = clone(name)
				}
			}
		case 10: // supported_groups
			ch.Groups = u16s(e.vec16())
		case 11: // ec_point_formats
			ch.PointFormats = clone(e.vec8())
		case 13: // signature_algorithms
			ch.SigAlgs = u16s(e.vec16())
		case 16: // ALPN
			list := reader{b: e.vec16()}
			for len(list.b) > 0 && !list.bad {
				if v := list.vec8(); !list.bad {
					ch.ALPN = append(ch.ALPN, clone(v))
				}
			}
		case 43: // supported_versions
			ch.SupportedVersions = u16s(e.vec8())
		}
	}
	return ch, true
}

// ParseClientHello parses the body of a ClientHello handshake message
// (after the 4-byte handshake header), as QUIC's CRYPTO frames carry it.
func ParseClientHello(b []byte) (ClientHello, bool) { return parseClientHello(b) }

// ParseServerHello parses the body of a ServerHello handshake message.
func ParseServerHello(b []byte) (ServerHello, bool) { return parseServerHello(b) }

// parseServerHello parses a ServerHello body.
func parseServerHello(b []byte) (ServerHello, bool) {
	var sh ServerHello
	r := reader{b: b}
	sh.Version = r.u16()
	sh.Random = clone(r.bytes(32))
	sh.SessionID = clone(r.vec8())
	sh.Cipher = r.u16()
	r.u8() // compression
	if r.bad {
		return sh, false
	}
	if len(r.b) < 2 {
		return sh, true
	}
	exts := reader{b: r.vec16()}
	for len(exts.b) >= 4 && !exts.bad {
		typ := exts.u16()
		data := exts.vec16()
		if exts.bad {
			break
		}
		sh.Extensions = append(sh.Extensions, typ)
		e := reader{b: data}
		switch typ {
		case 43:
			sh.SelectedVersion = e.u16()
		case 16:
			list := reader{b: e.vec16()}
			sh.ALPN = clone(list.vec8())
		}
	}
	return sh, true
}

func appendList(dst []byte, vals []uint16, skipGREASE bool) []byte {
	first := true
	for _, v := range vals {
		if skipGREASE && isGREASE(v) {
			continue
		}
		if !first {
			dst = append(dst, '-')
		}
		first = false
		dst = strconv.AppendUint(dst, uint64(v), 10)
	}
	return dst
}

// JA3 returns the JA3 string of a ClientHello:
// "SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats",
// decimal values joined by '-', GREASE values removed.
func JA3(ch ClientHello) []byte {
	b := strconv.AppendUint(nil, uint64(ch.Version), 10)
	b = append(b, ',')
	b = appendList(b, ch.Ciphers, true)
	b = append(b, ',')
	b = appendList(b, ch.Extensions, true)
	b = append(b, ',')
	b = appendList(b, ch.Groups, true)
	b = append(b, ',')
	for i, f := range ch.PointFormats {
		if i > 0 {
			b = append(b, '-')
		}
		b = strconv.AppendUint(b, uint64(f), 10)
	}
	return b
}

// JA3S returns the JA3S string of a ServerHello: "SSLVersion,Cipher,Extensions".
func JA3S(sh ServerHello) []byte {
	b := strconv.AppendUint(nil, uint64(sh.Version), 10)
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(sh.Cipher), 10)
	b = append(b, ',')
	return appendList(b, sh.Extensions, true)
}

func ja4Version(v uint16) string {
	switch v {
	case VersionTLS13:
		return "13"
	case VersionTLS12:
		return "12"
	case VersionTLS11:
		return "11"
	case VersionTLS10:
		return "10"
	case VersionSSL3:
		return "s3"
	case VersionSSL2:
		return "s2"
	case 0xfeff:
		return "d1"
	case 0xfefd:
		return "d2"
	case 0xfefc:
		return "d3"
	}
	return "00"
}

func hex4(dst []byte, v uint16) []byte {
	const digits = "0123456789abcdef"
	return append(dst, digits[v>>12], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf])
}

func hash12(s []byte) string {
	sum := sha256.Sum256(s)
	return hex.EncodeToString(sum[:6])
}

// JA4 returns the JA4 fingerprint (FoxIO "JA4: TLS Client Fingerprint")
// of a ClientHello as Suricata computes it; proto is 't' (TLS over TCP) or
// 'q' (QUIC).
//
//	ja4_a = proto + version + ('d' SNI | 'i' none) + 2-digit cipher count +
//	        2-digit extension count + first and last byte of the first ALPN
//	ja4_b = sha256(sorted ciphers, 4-hex, comma-joined)[:12]
//	ja4_c = sha256(sorted extensions without SNI and ALPN + "_" +
//	        signature algorithms in order)[:12]
//
// GREASE values are ignored everywhere; counts cap at 99; the version is the
// highest of legacy_version and supported_versions. Where Suricata differs
// from the FoxIO text we follow Suricata: the "_" in ja4_c is always
// present, empty lists hash as the empty string (no "000000000000"), an
// ALPN shorter than 2 bytes (or a GREASE ALPN) gives "00", and non
// alphanumeric ALPN bytes are used as they are (no hex fallback).
func JA4(ch ClientHello, proto byte) string {
	ver := uint16(0)
	for _, v := range append([]uint16{ch.Version}, ch.SupportedVersions...) {
		if !isGREASE(v) && v > ver {
			ver = v
		}
	}
	var ciphers, exts []uint16
	for _, c := range ch.Ciphers {
		if !isGREASE(c) {
			ciphers = append(ciphers, c)
		}
	}
	sni := byte('i')
	nExt := 0
	for _, e := range ch.Extensions {
		if isGREASE(e) {
			continue
		}
		nExt++
		if e == 0 {
			sni = 'd'
		}
		if e != 0 && e != 16 {
			exts = append(exts, e)
		}
	}
	a := make([]byte, 0, 40)
	a = append(a, proto)
	a = append(a, ja4Version(ver)...)
	a = append(a, sni)
	a = append(a, byte('0'+min(len(ciphers), 99)/10), byte('0'+min(len(ciphers), 99)%10))
	a = append(a, byte('0'+min(nExt, 99)/10), byte('0'+min(nExt, 99)%10))
	alpn := [2]byte{'0', '0'}
	if len(ch.ALPN) > 0 {
		if v := ch.ALPN[0]; len(v) > 1 && !(len(v) == 2 && isGREASE(uint16(v[0])<<8|uint16(v[1]))) {
			alpn = [2]byte{v[0], v[len(v)-1]}
		}
	}
	a = append(a, alpn[0], alpn[1])
	slices.Sort(ciphers)
	slices.Sort(exts)
	var bs []byte
	for i, c := range ciphers {
		if i > 0 {
			bs = append(bs, ',')
		}
		bs = hex4(bs, c)
	}
	var cs []byte
	for i, e := range exts {
		if i > 0 {
			cs = append(cs, ',')
		}
		cs = hex4(cs, e)
	}
	cs = append(cs, '_')
	first := true
	for _, s := range ch.SigAlgs {
		if isGREASE(s) {
			continue
		}
		if !first {
			cs = append(cs, ',')
		}
		first = false
		cs = hex4(cs, s)
	}
	return string(a) + "_" + hash12(bs) + "_" + hash12(cs)
}
