package dhcp

import (
	"encoding/binary"
	"net/netip"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

const (
	headerLen = 236
	cookie    = 0x63825363
	// MaxTx caps live transactions per flow.
	MaxTx = 256
)

// Option codes with a meaning for the parser.
const (
	OptSubnetMask   = 1
	OptRouters      = 3
	OptDNSServers   = 6
	OptHostname     = 12
	OptRequestedIP  = 50
	OptLeaseTime    = 51
	OptType         = 53
	OptParams       = 55
	OptRenewalTime  = 58
	OptRebindTime   = 59
	OptVendorClass  = 60
	OptClientID     = 61
	optPad, optEnd  = 0, 255
	EventTruncated  = 1 << 0
	EventMalformed  = 1 << 1
	bootRequest     = 1
	hwEthernetLen   = 6
	maxParamsLogged = 255
)

// Tx is one DHCP message.
type Tx struct {
	id                                    uint64
	Op                                    uint8
	XID                                   uint32
	ClientIP, AssignedIP, NextIP, RelayIP netip.Addr
	ClientMAC                             []byte
	Type                                  uint8 // option 53, 0 without
	Hostname, VendorClass, ClientID       []byte
	SubnetMask, RequestedIP               netip.Addr
	Routers, DNS                          []netip.Addr
	Params                                []byte
	HasLease, HasRenewal, HasRebind       bool
	Lease, Renewal, Rebind                uint32
	events                                uint32
	extendedLog                           bool
	leaseBuf, renewBuf, rebindBuf, evBuf  [4]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoDHCP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoDHCP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete is true: a datagram is a whole message.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns the lease, renewal and rebinding times (4 octets
// big-endian) when the message carries them, and the events.
func (t *Tx) BufferAt(_ applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.DHCPLeaseTime:
		return t.leaseBuf[:], t.HasLease
	case bufid.DHCPRenewalTime:
		return t.renewBuf[:], t.HasRenewal
	case bufid.DHCPRebindingTime:
		return t.rebindBuf[:], t.HasRebind
	case bufid.DHCPEvents:
		return t.evBuf[:], t.events != 0
	}
	return nil, false
}

// Parser parses the DHCP datagrams of one flow.
type Parser struct {
	txs      applayer.TxQueue[*Tx]
	next     uint64
	extended bool
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow; extended selects Suricata's
// extended EVE record.
func New(extended bool) *Parser { return &Parser{extended: extended} }

// Parse treats data as one datagram.
func (p *Parser) Parse(dir applayer.Direction, data []byte) { p.ParseDatagram(dir, data) }

// ParseDatagram handles one UDP payload: one message.
func (p *Parser) ParseDatagram(_ applayer.Direction, d []byte) {
	t := &Tx{id: p.next, extendedLog: p.extended}
	p.next++
	p.txs.Push(t, MaxTx)
	if len(d) < headerLen+4 || binary.BigEndian.Uint32(d[headerLen:]) != cookie {
		t.event(EventTruncated)
		return
	}
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte(d[i : i+4])) }
	t.Op, t.XID = d[0], binary.BigEndian.Uint32(d[4:])
	t.ClientIP, t.AssignedIP, t.NextIP, t.RelayIP = addr(12), addr(16), addr(20), addr(24)
	hl := int(d[2])
	if hl > 16 {
		hl = 16
	}
	t.ClientMAC = append([]byte(nil), d[28:28+hl]...)
	o := d[headerLen+4:]
	for len(o) > 0 {
		code := o[0]
		if code == optPad {
			o = o[1:]
			continue
		}
		if code == optEnd {
			return
		}
		if len(o) < 2 || len(o) < 2+int(o[1]) {
			t.event(EventMalformed)
			return
		}
		v := o[2 : 2+int(o[1])]
		o = o[2+len(v):]
		t.option(code, v)
	}
}

func (t *Tx) event(e uint32) {
	t.events |= e
	binary.LittleEndian.PutUint32(t.evBuf[:], t.events)
}

func (t *Tx) option(code byte, v []byte) {
	u32 := func(dst *uint32, has *bool, buf *[4]byte) {
		if len(v) == 4 {
			*dst, *has = binary.BigEndian.Uint32(v), true
			copy(buf[:], v)
		}
	}
	addrs := func() []netip.Addr {
		var out []netip.Addr
		for i := 0; i+4 <= len(v); i += 4 {
			out = append(out, netip.AddrFrom4([4]byte(v[i:i+4])))
		}
		return out
	}
	switch code {
	case OptType:
		if len(v) >= 1 {
			t.Type = v[0]
		}
	case OptLeaseTime:
		u32(&t.Lease, &t.HasLease, &t.leaseBuf)
	case OptRenewalTime:
		u32(&t.Renewal, &t.HasRenewal, &t.renewBuf)
	case OptRebindTime:
		u32(&t.Rebind, &t.HasRebind, &t.rebindBuf)
	case OptHostname:
		t.Hostname = append([]byte(nil), v...)
	case OptVendorClass:
		t.VendorClass = append([]byte(nil), v...)
	case OptClientID:
		// The first octet is the identifier's hardware type; the record
		// logs what follows it.
		if len(v) > 1 {
			t.ClientID = append([]byte(nil), v[1:]...)
		}
	case OptSubnetMask:
		if len(v) == 4 {
			t.SubnetMask = netip.AddrFrom4([4]byte(v))
		}
	case OptRequestedIP:
		if len(v) == 4 {
			t.RequestedIP = netip.AddrFrom4([4]byte(v))
		}
	case OptRouters:
		t.Routers = addrs()
	case OptDNSServers:
		t.DNS = addrs()
	case OptParams:
		t.Params = append([]byte(nil), v...)
	}
}

// Gap does nothing: datagrams have no gaps.
func (p *Parser) Gap(applayer.Direction, int) {}

// State is always 0.
func (p *Parser) State() applayer.State { return 0 }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
