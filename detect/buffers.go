package detect

import "vigil/detect/bufid"

// Buf is a buffer ID: the vocabulary detect shares with the app-layer
// parsers lives in package bufid.
type Buf = bufid.ID

// bufBase64 is the output of base64_decode, inspected by a base64_data
// list. It is not a transaction buffer: the matcher reads it from the
// thread.
const bufBase64 Buf = 255

// dir is the direction of traffic a buffer or a keyword belongs to.
type dir = bufid.Dir

// growIdx numbers the buffers that grow at their end (bufid.Spec.Grows)
// for TxState.head.
var growIdx = func() (idx [bufid.NumIDs]uint8) {
	n := 0
	for b := range bufid.Specs {
		if bufid.Specs[b].Grows {
			idx[b] = uint8(n)
			n++
		}
	}
	if n != numGrows {
		panic("detect: numGrows is not the number of growing buffers in bufid.Specs")
	}
	return idx
}()

// numGrows is the number of bufid.Specs with Grows set.
const numGrows = 3

// headerBuf returns header buffer b of p, or nil when p has no such
// header.
func headerBuf(p *Packet, b Buf) []byte {
	var ok bool
	switch b {
	case bufid.IPv4Hdr:
		return nonEmpty(p.IPHdr, p.IPVer == 4)
	case bufid.IPv6Hdr:
		return nonEmpty(p.IPHdr, p.IPVer == 6)
	case bufid.TCPHdr:
		ok = p.Proto == 6
	case bufid.UDPHdr:
		ok = p.Proto == 17
	case bufid.ICMPv4Hdr:
		ok = p.Proto == 1
	case bufid.ICMPv6Hdr:
		ok = p.Proto == 58
	}
	return nonEmpty(p.L4Hdr, ok)
}

func nonEmpty(b []byte, ok bool) []byte {
	if !ok || len(b) == 0 {
		return nil
	}
	return b
}

// bufByName maps canonical sticky-buffer keywords and their legacy and
// Snort 2 content-modifier spellings to buffers.
var bufByName = func() map[string]Buf {
	m := make(map[string]Buf, int(bufid.NumIDs)+len(bufid.Aliases))
	for i := range bufid.Specs {
		m[bufid.Specs[i].Name] = Buf(i)
	}
	for _, a := range bufid.Aliases {
		m[a.Name] = a.ID
	}
	return m
}()
