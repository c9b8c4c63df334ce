package mqtt

import "vigil/engine/applayer"

// Limits.
const (
	// MaxMsgLen bounds the remaining length of a message the parser
	// decodes (Suricata's default max-msg-length, 1 MiB); a longer message
	// is skipped and logged as a truncated transaction.
	MaxMsgLen = 1 << 20
	// MaxWaiting bounds the transactions waiting for an answer: past it
	// the oldest is given up and marked complete, as Suricata does with
	// max-tx.
	MaxWaiting = 256
	// MaxLive caps the live transactions of a flow; the oldest are dropped
	// first.
	MaxLive = 1024
	// MaxHeld bounds the message bytes the live transactions of a flow
	// keep; past it the oldest transactions are dropped.
	MaxHeld = 16 << 20
	// MaxTopics bounds the instances of mqtt.subscribe.topic and
	// mqtt.unsubscribe.topic per transaction (Suricata's default
	// subscribe-topic-match-limit).
	MaxTopics = 100
)

// connectWait is the key a CONNECT transaction waits on for its CONNACK
// (packet identifiers are 16 bits).
const connectWait = 1 << 16

type stream struct {
	buf  []byte // the message being assembled (one at most)
	skip int    // bytes of a too long message still to skip
	err  bool
}

// Parser parses the MQTT control packets of one TCP flow.
type Parser struct {
	txs   applayer.TxQueue[*Tx]
	next  uint64
	s     [2]stream
	flow  *flowState // shared with the transactions
	held  int
	state applayer.State
	// Malformed counts messages that could not be decoded (each stops
	// the parser); Dropped counts transactions dropped by a cap.
	Malformed, Dropped int
}

var _ applayer.Parser = (*Parser)(nil)

// flowState is what the transactions read of their flow.
type flowState struct {
	// version is the protocol version of the last CONNECT, for
	// mqtt.protocol_version.
	version [1]byte
	// logLimit is Config.StringLogLimit.
	logLimit int
}

// Config holds the mqtt settings of Suricata's configuration.
type Config struct {
	// StringLogLimit is eve-log's mqtt string-log-limit: the most bytes
	// of a publish topic or message, or of a subscribe or unsubscribe
	// message's topics together, written to EVE (0: no limit).
	StringLogLimit int
}

// New returns a parser for one flow with the default settings.
func New() *Parser { return NewConfig(Config{}) }

// NewConfig returns a parser for one flow with settings c.
func NewConfig(c Config) *Parser {
	return &Parser{flow: &flowState{logLimit: max(c.StringLogLimit, 0)}}
}

// State reports StateError after a malformed message and StateGap after a
// gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Version returns the protocol version of the flow's last CONNECT (0
// before one).
func (p *Parser) Version() uint8 { return p.flow.version[0] }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) {
	p.txs.Prune(below)
	p.held = 0
	for _, t := range p.txs.All() {
		p.held += t.size
	}
}

// Parse handles the next in-order bytes of direction dir: control packets
// framed by their fixed header (section 2.1).
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.s[dir&1]
	for len(data) > 0 && !s.err && p.state&applayer.StateError == 0 {
		if s.skip > 0 {
			k := min(s.skip, len(data))
			s.skip -= k
			data = data[k:]
			continue
		}
		if len(s.buf) == 0 {
			n, ok := p.frame(dir, s, data)
			if !ok {
				// An incomplete message: keep it (at most MaxMsgLen plus
				// its header, frame checked).
				s.buf = append(s.buf, data...)
				return
			}
			data = data[n:]
			continue
		}
		// Complete the kept message: its header a byte at a time (it may
		// be followed by the next message), then its body.
		hl, rl := fixedHeader(s.buf)
		if hl == 0 {
			s.buf = append(s.buf, data[0])
			data = data[1:]
			continue
		}
		if hl < 0 || rl > MaxMsgLen {
			// s.buf holds just the header (it was completed a byte at a
			// time): frame fails the parser or starts the skip.
			p.frame(dir, s, s.buf)
			p.release(s)
			continue
		}
		k := min(hl+rl-len(s.buf), len(data))
		s.buf = append(s.buf, data[:k]...)
		data = data[k:]
		if len(s.buf) == hl+rl {
			p.frame(dir, s, s.buf)
			p.release(s)
		}
	}
}

// release empties a stream's message buffer, dropping a large one.
func (p *Parser) release(s *stream) {
	if cap(s.buf) > 64<<10 {
		s.buf = nil
		return
	}
	s.buf = s.buf[:0]
}

// frame handles the message at the start of b. It returns the bytes used
// and false when b does not hold the whole message yet. A message longer
// than MaxMsgLen uses its header and leaves the rest to s.skip.
func (p *Parser) frame(dir applayer.Direction, s *stream, b []byte) (int, bool) {
	hl, rl := fixedHeader(b)
	switch {
	case hl == 0:
		return 0, false
	case hl < 0:
		p.fail()
		return len(b), true
	case rl > MaxMsgLen:
		m := newMessage(b[0])
		m.Truncated = true
		p.handle(dir, m, 0)
		s.skip = rl
		return hl, true
	case len(b) < hl+rl:
		return 0, false
	}
	m, ok := decode(b[0], b[hl:hl+rl], p.flow.version[0])
	if !ok {
		p.fail()
		return hl + rl, true
	}
	size := 0
	switch m.Type {
	case TypeConnect, TypePublish, TypeSubscribe, TypeUnsubscribe, TypeSuback, TypeUnsuback:
		size = rl // decode copied the body
	}
	p.handle(dir, m, size)
	return hl + rl, true
}

// fail stops the parser: Suricata gives up on a flow whose MQTT it cannot
// decode.
func (p *Parser) fail() {
	p.Malformed++
	p.state |= applayer.StateError
	for i := range p.s {
		p.s[i].err = true
		p.s[i].buf = nil
	}
}

// Gap loses the framing of direction dir: it is not parsed any more.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	s := &p.s[dir&1]
	s.err = true
	s.buf = nil
	p.state |= applayer.StateGap
}

// handle adds message m (of direction dir, keeping size bytes) to its
// transaction: a new one, or the one waiting for it.
func (p *Parser) handle(dir applayer.Direction, m *Message, size int) {
	if m.Truncated {
		p.newTx(dir, m, size).complete = true
		return
	}
	switch m.Type {
	case TypeConnect:
		p.flow.version[0] = m.ProtocolVersion
		p.newTx(dir, m, size).wait = connectWait
	case TypePublish, TypeSubscribe, TypeUnsubscribe:
		t := p.newTx(dir, m, size)
		switch {
		case m.QoS == 0:
			// Nothing answers a QoS 0 PUBLISH. (SUBSCRIBE and
			// UNSUBSCRIBE must have QoS 1; Suricata treats 0 alike.)
			t.complete = true
		case m.QoS <= 2 && m.HasPacketID:
			t.wait = int32(m.PacketID)
		}
		// QoS 3 is invalid: the transaction stays open until a cap or the
		// end of the flow, as in Suricata.
	case TypeConnack:
		p.answer(dir, m, size, connectWait, true)
	case TypePubrec, TypePubrel:
		p.answer(dir, m, size, int32(m.PacketID), false)
	case TypePuback, TypePubcomp, TypeSuback, TypeUnsuback:
		p.answer(dir, m, size, int32(m.PacketID), true)
	default:
		p.newTx(dir, m, size).complete = true
	}
}

// answer adds m to the open transaction waiting on key, completing it when
// done is set; without one, m is a complete transaction of its own.
func (p *Parser) answer(dir applayer.Direction, m *Message, size int, key int32, done bool) {
	for _, t := range p.txs.All() {
		if !t.complete && t.wait == key {
			t.add(m, size)
			p.held += size
			if done {
				t.complete, t.wait = true, -1
			}
			return
		}
	}
	p.newTx(dir, m, size).complete = true
}

// newTx makes a transaction of m, enforcing the caps first.
func (p *Parser) newTx(dir applayer.Direction, m *Message, size int) *Tx {
	open := 0
	for _, t := range p.txs.All() {
		if !t.complete {
			open++
		}
	}
	if open >= MaxWaiting {
		for _, t := range p.txs.All() {
			if !t.complete {
				t.complete, t.wait = true, -1
				break
			}
		}
	}
	for p.txs.Len() > 0 && p.held+size > MaxHeld {
		p.dropOldest()
	}
	if p.txs.Len() >= MaxLive {
		p.dropOldest()
	}
	t := &Tx{id: p.next, dir: dir, wait: -1, flow: p.flow}
	p.next++
	t.add(m, size)
	p.held += size
	p.txs.Push(t, MaxLive)
	return t
}

func (p *Parser) dropOldest() {
	p.held -= p.txs.At(0).size
	p.txs.Prune(p.txs.At(0).ID() + 1)
	p.Dropped++
}
