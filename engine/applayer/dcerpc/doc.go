// Package dcerpc parses DCE/RPC connection-oriented PDUs (version 5) for
// the application layer: over TCP (port 135 and dynamic ports, detected by
// content) through Parser, and over SMB named pipes through State, which
// package smb feeds with the pipe's read and write payloads. UDPParser
// parses the connectionless form (version 4) over UDP (udp.go), whose
// calls are keyed by activity UUID and sequence number and carry their
// interface in every request header.
//
// It consumes in-order stream bytes (or pipe payloads) per direction and
// produces transactions keyed by call id: a request (opnum, context id,
// stub data reassembled from fragments) with its response, or a bind with
// its bind_ack. The state keeps the interface list of the last bind and
// which contexts the bind_ack accepted, for the dcerpc.iface keyword.
//
// Detection reads a transaction through applayer.Tx: DCERPCStubData (the
// request stub to the server, the response stub to the client),
// DCERPCOpnum (2 bytes, little endian; requests only), DCERPCIface (one
// 19-byte record per accepted interface usable by the transaction: UUID
// in string byte order, major version little endian, flags) and
// DCERPCEndian (one byte, 1 when the PDU of that direction is big endian,
// for byte_test/byte_jump with the dce option). Docs:
// rules/dcerpc-keywords.html.
//
// Buffer ownership: Parse copies what it keeps. Slices returned by
// BufferAt belong to the transaction and stay valid until the parser is
// fed again or the transaction is pruned. A Parser or State belongs to one
// flow and is not safe for concurrent use.
package dcerpc
