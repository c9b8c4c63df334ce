package applayer

import "encoding/binary"

// ONC RPC (RFC 5531) message headers. Over UDP a datagram is one message;
// over TCP each message is cut in records, each behind a 4-octet record
// mark (RFC 5531 section 11: last-fragment bit, 31-bit length). The
// generic RPC entry identifies Snort 3's sunrpc service (ServiceOnly);
// NFS, which Suricata parses, has its own entry ahead of it.

// RPC message types and limits.
const (
	rpcCall      = 0
	rpcReply     = 1
	rpcVersion   = 2
	rpcMaxAuth   = 400 // opaque_auth body limit (RFC 5531 section 8.2)
	rpcMaxRecord = 1 << 24
)

// RPCCallHeader is the fixed part of an RPC call the probes check.
type RPCCallHeader struct {
	XID, Program, Version, Procedure uint32
}

// rpcAuth reports whether an opaque_auth starts at b[off:]: a known
// flavor (AUTH_NONE, AUTH_SYS, AUTH_SHORT, AUTH_DH, RPCSEC_GSS) and a
// body of at most 400 octets. It returns the offset after it, and need
// when b ends first.
func rpcAuth(b []byte, off int) (next int, ok, need bool) {
	if off+8 > len(b) {
		return 0, false, true
	}
	flavor := binary.BigEndian.Uint32(b[off:])
	n := binary.BigEndian.Uint32(b[off+4:])
	if flavor > 6 || flavor == 4 || flavor == 5 || n > rpcMaxAuth {
		return 0, false, false
	}
	return off + 8 + int(n+3)&^3, true, false
}

// ParseRPCCall checks the call header at the start of b (a message, no
// record mark): message type CALL, RPC version 2 and both credential and
// verifier well formed. It answers need-more when b ends before the
// verifier's body.
func ParseRPCCall(b []byte) (h RPCCallHeader, res ProbeResult) {
	if len(b) >= 8 && binary.BigEndian.Uint32(b[4:]) != rpcCall ||
		len(b) >= 12 && binary.BigEndian.Uint32(b[8:]) != rpcVersion {
		return h, ProbeNoMatch
	}
	if len(b) < 24 {
		return h, ProbeNeedMore
	}
	h = RPCCallHeader{XID: binary.BigEndian.Uint32(b), Program: binary.BigEndian.Uint32(b[12:]),
		Version: binary.BigEndian.Uint32(b[16:]), Procedure: binary.BigEndian.Uint32(b[20:])}
	off, ok, need := rpcAuth(b, 24)
	if !ok {
		return h, probeRes(need)
	}
	end, ok, need := rpcAuth(b, off)
	if !ok {
		return h, probeRes(need)
	}
	if end > len(b) {
		return h, ProbeNeedMore
	}
	return h, ProbeMatch
}

// ParseRPCReply checks the reply header at the start of b: message type
// REPLY, then an accepted reply (a verifier and an accept status of 0 to
// 5) or a denied one (RPC_MISMATCH or AUTH_ERROR).
func ParseRPCReply(b []byte) (xid uint32, res ProbeResult) {
	if len(b) >= 8 && binary.BigEndian.Uint32(b[4:]) != rpcReply {
		return 0, ProbeNoMatch
	}
	if len(b) < 12 {
		return 0, ProbeNeedMore
	}
	xid = binary.BigEndian.Uint32(b)
	switch binary.BigEndian.Uint32(b[8:]) {
	case 0: // MSG_ACCEPTED
		off, ok, need := rpcAuth(b, 12)
		if !ok {
			return xid, probeRes(need)
		}
		if off+4 > len(b) {
			return xid, ProbeNeedMore
		}
		if binary.BigEndian.Uint32(b[off:]) > 5 {
			return xid, ProbeNoMatch
		}
		return xid, ProbeMatch
	case 1: // MSG_DENIED
		if len(b) < 16 {
			return xid, ProbeNeedMore
		}
		if binary.BigEndian.Uint32(b[12:]) > 1 {
			return xid, ProbeNoMatch
		}
		return xid, ProbeMatch
	}
	return xid, ProbeNoMatch
}

func probeRes(need bool) ProbeResult {
	if need {
		return ProbeNeedMore
	}
	return ProbeNoMatch
}

// RPCRecord strips the record mark of a TCP record: the message bytes
// of the first fragment present in b, and whether all of them are. It
// answers no match for a mark whose length is below a message header or
// absurdly large, and for a first fragment that is not the last: callers
// and servers send a message in one fragment, and the bit makes the
// probe strong enough to run on any port.
func RPCRecord(b []byte) (msg []byte, whole bool, res ProbeResult) {
	if len(b) > 0 && b[0]&0x80 == 0 {
		return nil, false, ProbeNoMatch
	}
	if len(b) < 4 {
		return nil, false, ProbeNeedMore
	}
	n := binary.BigEndian.Uint32(b) &^ 0x80000000
	if n < 12 || n > rpcMaxRecord {
		return nil, false, ProbeNoMatch
	}
	b = b[4:]
	if len(b) >= int(n) {
		return b[:n], true, ProbeMatch
	}
	return b, false, ProbeMatch
}

// inRecord turns need-more into no match when the record was whole.
func inRecord(r ProbeResult, whole bool) ProbeResult {
	if whole {
		return datagram(r)
	}
	return r
}

// ProbeRPCCallUDP matches a datagram holding an RPC call.
func ProbeRPCCallUDP(data []byte) ProbeResult {
	_, res := ParseRPCCall(data)
	return datagram(res)
}

// ProbeRPCReplyUDP matches a datagram holding an RPC reply.
func ProbeRPCReplyUDP(data []byte) ProbeResult {
	_, res := ParseRPCReply(data)
	return datagram(res)
}

// ProbeRPCCallTCP matches a record holding an RPC call.
func ProbeRPCCallTCP(data []byte) ProbeResult {
	msg, whole, res := RPCRecord(data)
	if res != ProbeMatch {
		return res
	}
	_, res = ParseRPCCall(msg)
	return inRecord(res, whole)
}

// ProbeRPCReplyTCP matches a record holding an RPC reply.
func ProbeRPCReplyTCP(data []byte) ProbeResult {
	msg, whole, res := RPCRecord(data)
	if res != ProbeMatch {
		return res
	}
	_, res = ParseRPCReply(msg)
	return inRecord(res, whole)
}

// datagram turns need-more into no match: a datagram is complete.
func datagram(r ProbeResult) ProbeResult {
	if r == ProbeNeedMore {
		return ProbeNoMatch
	}
	return r
}
