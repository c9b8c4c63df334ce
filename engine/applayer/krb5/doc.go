// Package krb5 is Vigil's Kerberos 5 parser (RFC 4120) for UDP and TCP
// port 88.
//
// Over UDP each datagram is one message; over TCP each message follows a
// 4-byte record mark holding its length (RFC 4120 section 7.2.2), and
// records are reassembled up to MaxRecord bytes. Messages are decoded with
// package ber. As in Suricata, every AS-REQ, AS-REP, TGS-REQ, TGS-REP and
// KRB-ERROR is its own transaction in the direction it was sent; other
// messages (AP-REQ, AP-REP, KRB-SAFE, ...) make none. A transaction
// exposes the Suricata 8 Kerberos keywords (rules/kerberos-keywords.html):
// krb5_msg_type, krb5_err_code (errors only), krb5_cname and krb5_sname
// (one buffer per principal name component) and krb5.ticket_encryption
// (the ticket's etype in AS-REP and TGS-REP).
//
// Buffer ownership: each message is copied once and the transaction's
// buffers alias that copy; input slices are not kept. A Parser belongs to
// one flow (one worker) and is not safe for concurrent use.
package krb5
