package engine

import (
	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/stream"
)

// Raw stream inspection follows Suricata's model (stream-tcp-reassemble.c,
// StreamReassembleRawHasDataReady): a TCP packet inspects the raw stream of
// its own direction only when that direction's data is ready, and then
// inspects all of it that was delivered (acknowledged) since the last
// inspection. Data is ready when
//   - at least rawChunk bytes wait (stream.reassembly.to{server,client}-chunk-size),
//   - the app layer triggered an inspection of the direction (a message of
//     that direction ended: rawTriggerOf),
//   - the direction reached the reassembly depth,
//   - the session is closing the way Suricata counts it (closingRaw), or
//   - the flow ends (a pseudo packet).
// Until then the bytes stay in flowData.raw, so a stream rule sees a
// message whole and a byte is scanned once, and a flow alerts as many
// times per rule as Suricata's does.

// rawChunk is Suricata's default stream.reassembly.toserver-chunk-size and
// toclient-chunk-size (2560). Suricata varies it by up to 5% per run
// (randomize-chunk-size); Vigil keeps it fixed, so replay is deterministic.
const rawChunk = 2560

// rawTrigger says when a protocol's parser triggers raw inspection of a
// direction.
type rawTrigger uint8

const (
	// rawOnTx: when a transaction's side of the direction completes
	// (a request, a response, a command, a reply, a message).
	rawOnTx rawTrigger = iota
	// rawOnParse: with every delivery the parser consumes. TLS triggers
	// on every complete record and SSH on each banner line, after which
	// the session goes encrypted and its raw bytes are no longer kept
	// (noPayload): delivered records are inspected as they come.
	rawOnParse
	// rawNever: the parser never triggers (Suricata's SMB parser), nor
	// does a flow without a parser: chunk size, depth, close and flow end
	// do.
	rawNever
)

// rawTriggerOf returns when proto's parser triggers raw inspection, as
// Suricata 8's parsers call SCAppLayerParserTriggerRawStreamInspection:
// HTTP on request and response completion, FTP, SMTP, DNS, DCERPC, Modbus,
// DNP3, ENIP, LDAP, Kerberos, MQTT, SIP, RFB, HTTP/2 and WebSocket per
// message, TLS per record, SSH per banner; SMB and FTP data channels never.
func rawTriggerOf(proto applayer.Proto) rawTrigger {
	switch proto {
	case bufid.ProtoTLS, bufid.ProtoSSH:
		return rawOnParse
	case bufid.ProtoSMB, bufid.ProtoFTPData, bufid.ProtoUnknown, bufid.ProtoFailed:
		return rawNever
	}
	return rawOnTx
}

// noteRawTrigger sets the raw inspection trigger of direction dir after
// the parser of fd consumed bytes of that direction (rawTriggerOf).
func noteRawTrigger(fd *flowData, dir applayer.Direction) {
	d := dir & 1
	switch rawTriggerOf(fd.proto) {
	case rawOnParse:
		fd.rawTrig[d] = true
		return
	case rawNever:
		return
	}
	// The newest transaction whose side dir completed since the last
	// trigger: transactions complete in order, so the walk from the newest
	// stops at the first already counted.
	for i := fd.parser.TxCount() - 1; i >= 0; i-- {
		tx := fd.parser.TxAt(i)
		id := tx.ID()
		if id < fd.rawTxDone[d] {
			return
		}
		if tx.Complete(dir) {
			fd.rawTxDone[d] = id + 1
			fd.rawTrig[d] = true
			return
		}
	}
}

// rawReady reports whether the raw stream bytes pending for direction dir
// are inspected with the packet of that direction being handled (see the
// model above). Bytes that are not ready wait for a later packet. In
// inline (IPS) mode, as in Suricata, they are ready whenever the packet
// added payload to the stream (inlineData): an inline engine must decide
// on the packet that carries the data.
func rawReady(fd *flowData, dir applayer.Direction, inlineData bool) bool {
	d := dir & 1
	if len(fd.raw[d]) == 0 {
		return false
	}
	return inlineData || len(fd.raw[d]) >= rawChunk || fd.rawTrig[d] || fd.sess.DepthReached(stream.Dir(d)) ||
		closingRaw(fd.sess.State())
}

// closingRaw reports whether a session in state st inspects its raw data
// whatever its amount. Suricata does so in the states after TIME_WAIT,
// which it names from the server's side: the client closed first
// (CLOSE_WAIT, LAST_ACK), both closed at once (CLOSING) or the session
// is closed. Vigil names states from the client's side, so these are
// FIN_WAIT1/2 and TIME_WAIT (client first), CLOSING and CLOSED; when the
// server closed first, data waits until the session is closed.
func closingRaw(st stream.State) bool {
	switch st {
	case stream.StateFinWait1, stream.StateFinWait2, stream.StateTimeWait, stream.StateClosing,
		stream.StateClosed:
		return true
	}
	return false
}
