package http

import (
	"bytes"
	"net/netip"
)

// XFF is the client address, as written, that the request header name (X-Forwarded-For,
// or the configured one) of t gives, as Suricata reads it: behind a
// reverse proxy the last address of the chain (what follows its last
// space), behind a forward proxy the first (what precedes its first
// comma). An IPv4 address may carry a port ("1.2.3.4:80"), an IPv6 one
// brackets ("[::1]:80"). ok is false when the header is absent, shorter
// than 7 or longer than 255 bytes, or the chosen entry is no address.
func (t *Tx) XFF(name string, forward bool) (addr []byte, ok bool) {
	var v []byte
	found := false
	for i := range t.Req.Headers {
		if equalFold(t.Req.Headers[i].Name, name) {
			v, found = t.Req.Headers[i].Value, true
			break
		}
	}
	if !found || len(v) < 7 || len(v) > 255 {
		return nil, false
	}
	return ParseXFF(v, forward)
}

// ParseXFF picks the client address of an X-Forwarded-For value (see
// Tx.XFF): a sub-slice of v, without brackets or port.
func ParseXFF(v []byte, forward bool) ([]byte, bool) {
	if forward {
		if i := bytes.IndexByte(v, ','); i >= 0 {
			v = v[:i]
		}
	} else if i := bytes.LastIndexByte(v, ' '); i >= 0 {
		v = v[i+1:]
	}
	if len(v) == 0 {
		return nil, false
	}
	if v[0] == '[' {
		end := bytes.IndexByte(v, ']')
		if end < 0 {
			return nil, false
		}
		v = v[1:end]
	} else if bytes.Count(v, []byte{'.'}) == 3 && bytes.Count(v, []byte{':'}) == 1 {
		v = v[:bytes.IndexByte(v, ':')]
	}
	a, err := netip.ParseAddr(string(v))
	if err != nil || a.Zone() != "" {
		return nil, false
	}
	return v, true
}
