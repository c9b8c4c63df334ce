// Package dns is Vigil's DNS parser for UDP datagrams and TCP streams
// (messages with a 2-byte length prefix, RFC 1035 section 4.2.2).
//
// It decodes headers, questions and resource records (A, AAAA, CNAME, NS,
// PTR, MX, TXT, SOA, SRV decoded; other types keep raw rdata), with name
// decompression guarded against loops and runaway lengths. A transaction
// pairs a request with the response carrying the same DNS id. Each Tx
// exposes the dns.query and dns.opcode buffers and the fields of Suricata
// 8's EVE "dns" object (version 3 format) through EVE.
//
// Buffer ownership: messages are decoded into owned copies; input slices are
// not kept. A Parser is used by one worker only.
package dns
