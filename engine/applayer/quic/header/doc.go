// Package header parses the clear part of QUIC packet headers (IETF long
// and short headers, gQUIC public headers). It is a leaf so that protocol
// detection (package applayer's QUIC probe) and the parser (package quic)
// share one header parser.
package header
