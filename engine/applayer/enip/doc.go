// Package enip is Vigil's EtherNet/IP parser (ODVA CIP vol. 2) with the
// CIP messages it carries, for TCP and UDP port 44818.
//
// Each encapsulation PDU (a 24-octet header and its data) is read whole;
// RegisterSession, ListServices, ListIdentity, ListInterfaces and the
// SendRRData/SendUnitData common packet format items are decoded, and
// the CIP message of a data item with its request path (logical
// segments), Get/Set Attribute List attributes, response statuses and
// the messages of a Multiple Service Packet (one level). As in Suricata
// 8, a request opens a transaction and a response joins the first open
// request it answers (same command and session, same CIP sequence number
// for connected data), closing the open requests before it; a response
// without a request is a transaction of its own.
//
// A transaction exposes the Suricata 8 ENIP keywords
// (rules/enip-keyword.html) through package bufid's ENIP buffers, its
// app-layer events (enip.invalid_pdu, enip.too_many_transactions) and the
// "enip" EVE record.
//
// Buffer ownership: PDUs alias a per-direction copy of the stream; input
// slices are not kept. A Parser belongs to one flow (one worker) and is
// not safe for concurrent use.
package enip
