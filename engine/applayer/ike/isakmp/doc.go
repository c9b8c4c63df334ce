// Package isakmp parses the ISAKMP header IKEv1 and IKEv2 share (RFC
// 2408 section 3.1, RFC 7296 section 3.1). It is a leaf so that protocol
// detection (package applayer's IKE probe) and the parser (package ike)
// share it.
package isakmp
