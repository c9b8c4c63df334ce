package flow

import (
	"net/netip"
	"time"
)

// State is a flow's state as an EVE flow record reports it.
type State uint8

// Flow states. TCP flows move only when the caller (the stream tracker)
// calls Table.SetState; other protocols become established when the first
// to_client packet is seen.
const (
	StateNew State = iota
	StateEstablished
	StateClosed
	StateBypassed
	numStates
)

var stateNames = [...]string{"new", "established", "closed", "bypassed"}

// String returns the EVE name of the state ("new", "established", ...).
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Reason says why a flow ended (EVE flow.reason).
type Reason uint8

// End reasons.
const (
	ReasonNone     Reason = iota
	ReasonTimeout         // idle timeout
	ReasonForced          // evicted under memory pressure, TCP session reuse, or ended by the caller
	ReasonShutdown        // Flush at end of input
)

var reasonNames = [...]string{"", "timeout", "forced", "shutdown"}

// String returns the EVE name of the reason ("timeout", "forced", "shutdown").
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "unknown"
}

// Direction is a packet's direction within its flow.
type Direction uint8

// Directions, as the flow keyword's to_server / to_client.
const (
	ToServer Direction = 0
	ToClient Direction = 1
)

// String returns "to_server" or "to_client".
func (d Direction) String() string {
	if d == ToServer {
		return "to_server"
	}
	return "to_client"
}

// Flow is the header the table keeps for every flow: identity, direction
// bookkeeping and the counters of an EVE flow record.
type Flow struct {
	Key  Key
	Hash uint64 // Key.Hash()
	// ID is the flow_id of EVE records: positive, at most 51 bits, unique
	// per table for 2^31 flows and deterministic in replay.
	ID int64

	StartNs, LastNs int64 // first and last packet time (ns)
	// EndNs is set when the flow ends (see Table.Ended): the packet time it
	// ended at. For a timeout it is the end of the idle period.
	EndNs int64

	PktsToServer, PktsToClient   uint64
	BytesToServer, BytesToClient uint64

	State   State
	Reason  Reason // set when the flow ends
	Alerted bool   // set by the caller when an alert fired on this flow

	// ICMPType/ICMPCode are from the first to_server packet,
	// RespICMPType/RespICMPCode from the first to_client one (RespSeen).
	ICMPType, ICMPCode         uint8
	RespICMPType, RespICMPCode uint8
	RespSeen                   bool

	clientIsLo bool
	class      uint8
}

// Client returns the client's (initiator's) address and port.
func (f *Flow) Client() (netip.Addr, uint16) {
	if f.clientIsLo {
		return f.Key.Addr(true), f.Key.LoPort
	}
	return f.Key.Addr(false), f.Key.HiPort
}

// Server returns the server's (responder's) address and port.
func (f *Flow) Server() (netip.Addr, uint16) {
	if f.clientIsLo {
		return f.Key.Addr(false), f.Key.HiPort
	}
	return f.Key.Addr(true), f.Key.LoPort
}

// Age returns the flow's age in whole seconds as EVE flow.age reports it
// (last packet second minus first packet second).
func (f *Flow) Age() int64 {
	return f.LastNs/int64(time.Second) - f.StartNs/int64(time.Second)
}

// Timeouts are the idle timeouts of one protocol, per flow state.
type Timeouts struct {
	New, Established, Closed, Bypassed time.Duration
}

func (t *Timeouts) of(s State) time.Duration {
	switch s {
	case StateEstablished:
		return t.Established
	case StateClosed:
		return t.Closed
	case StateBypassed:
		return t.Bypassed
	}
	return t.New
}

// TimeoutConfig holds the timeouts per protocol (suricata.yaml
// flow-timeouts). Default applies to protocols other than TCP, UDP and ICMP.
type TimeoutConfig struct {
	Default, TCP, UDP, ICMP Timeouts
}

// DefaultTimeouts returns Suricata 8's default flow-timeouts (the
// non-emergency values of the shipped suricata.yaml).
func DefaultTimeouts() TimeoutConfig {
	s := time.Second
	return TimeoutConfig{
		Default: Timeouts{New: 30 * s, Established: 300 * s, Closed: 0, Bypassed: 100 * s},
		TCP:     Timeouts{New: 60 * s, Established: 600 * s, Closed: 60 * s, Bypassed: 100 * s},
		UDP:     Timeouts{New: 30 * s, Established: 300 * s, Closed: 0, Bypassed: 100 * s},
		ICMP:    Timeouts{New: 30 * s, Established: 300 * s, Closed: 0, Bypassed: 100 * s},
	}
}

// protoClass maps an IP protocol to a timeout row.
func protoClass(p uint8) uint8 {
	switch p {
	case ProtoTCP:
		return 1
	case ProtoUDP:
		return 2
	case ProtoICMP, ProtoICMPv6:
		return 3
	}
	return 0
}

func (c *TimeoutConfig) row(pc uint8) *Timeouts {
	switch pc {
	case 1:
		return &c.TCP
	case 2:
		return &c.UDP
	case 3:
		return &c.ICMP
	}
	return &c.Default
}

// Reverse swaps the flow's client and server, and the counters and ICMP
// fields of the two directions with them: protocol detection found the
// flow's first packets were a response (a DNS answer seen first), so the
// receiver of the first packet is the client, as in Suricata, which
// reverses such a flow.
func (f *Flow) Reverse() {
	f.clientIsLo = !f.clientIsLo
	f.PktsToServer, f.PktsToClient = f.PktsToClient, f.PktsToServer
	f.BytesToServer, f.BytesToClient = f.BytesToClient, f.BytesToServer
	f.ICMPType, f.RespICMPType = f.RespICMPType, f.ICMPType
	f.ICMPCode, f.RespICMPCode = f.RespICMPCode, f.ICMPCode
	f.RespSeen = f.PktsToClient > 0
}
