// Package dhcp is Vigil's DHCP parser (RFC 2131, options RFC 2132) for UDP
// ports 67 and 68.
//
// Each datagram is one BOOTP message and one transaction: the fixed
// header (op, transaction id, client, assigned, next server and relay
// addresses, client hardware address), the magic cookie and the options.
// A transaction exposes the lease, renewal and rebinding times to the
// Suricata 8 keywords dhcp.leasetime, dhcp.renewal_time and
// dhcp.rebinding_time (package bufid's DHCP buffers, 4 octets big-endian,
// present when the option is) and fills the "dhcp" EVE record, in
// Suricata's default form (requests and acks only, no option details) or
// its extended form.
//
// Buffer ownership: the options kept are copied; nothing of the input is
// kept. A Parser belongs to one flow (one worker) and is not safe for
// concurrent use.
package dhcp
