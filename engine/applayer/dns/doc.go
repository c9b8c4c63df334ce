// Package dns is Vigil's DNS parser for UDP datagrams and TCP streams
// (messages with a 2-byte length prefix, RFC 1035 section 4.2.2).
//
// It decodes headers, questions and resource records (names of CNAME, NS,
// PTR and MX decompressed, SOA and SRV structured; A, AAAA, TXT and other
// types keep their wire rdata), with name decompression guarded against
// loops and runaway lengths. Nothing is turned into text: record types stay
// numbers and rdata stays bytes until output/eve encodes them. A
// transaction pairs a request with the response carrying the same DNS id.
// Each Tx exposes the dns.* buffers and fills Suricata 8's EVE "dns" object
// (version 3 format) through FillEVE.
//
// Buffer ownership: messages are decoded into owned copies; input slices are
// not kept. A Parser is used by one worker only.
package dns
