// Package ssh is Vigil's SSH handshake parser.
//
// It consumes the two reassembled byte streams of a TCP flow, reads each
// side's identification line (RFC 4253 section 4.2: protocol and software
// version) and its clear-text KEXINIT (section 7.1), from which it builds the
// HASSH and HASSH-server fingerprints (Salesforce HASSH: md5 of
// "kex;encryption;mac;compression" name-lists of the side's direction). After
// NEWKEYS in both directions the flow is encrypted: the parser reports
// applayer.StateEncrypted and ignores the rest.
//
// A flow has one transaction (ID 0). Parse copies what it keeps. A Parser is
// used by one worker only.
package ssh
