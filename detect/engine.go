package detect

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/detect/pcre"
	"vigil/ruleparser"
	"vigil/rules"
)

// Options configure Compile.
type Options struct {
	// Prefilter is the multi-pattern matcher; nil means Hyperscan.
	Prefilter mpm.Matcher
	// XbitsMax caps the xbits the engine stores; 0 means
	// DefaultXbitsMax.
	XbitsMax int
}

// Report says what Compile loaded and what it skipped, by keyword.
type Report struct {
	Loaded  int
	Skipped map[string]int
	// Errors holds one error per skipped rule (a *KeywordError naming the
	// option, wrapped with the rule's gid:sid).
	Errors []error
}

// Engine is a compiled rule set: signatures, signature groups and their
// prefilter databases. It is shared by all workers, each matching through
// its own Matcher, and read-only after Compile. The xbits store (host and
// address-pair bits, set by rules at run time) is mutable and lives
// outside it (XbitStore, MatcherOptions), so that it survives a reload.
type Engine struct {
	sigs []*Sig
	mpm  mpm.Matcher
	// pkt groups packet rules by IP protocol (index: protocol number;
	// rules for any protocol are in every group). TCP's group holds only
	// the rules that are not stream rules.
	pkt [256]*group
	// stream holds the stream rules (payload rules of TCP).
	stream *group
	// anchored is set when some stream rule inspects TCP session packets
	// too (Sig.pktStream): their payload is scanned with the stream
	// group's database and the anchored rules among its candidates kept
	// (anchoredCands). A database of their own would cost load time and,
	// compiled beside the others, a third more peak memory.
	anchored bool
	// tx groups transaction rules by app-layer protocol and buffer.
	tx [bufid.NumProtos]*txGroup
	// dbs are closed with the engine.
	dbs  []mpm.DB
	jobs []compileJob
	// xbits is the engine's own store of host and address-pair bits,
	// used by matchers made by NewMatcher; nil when no rule uses xbits.
	xbits *XbitStore
	// uses says which buffers some rule has an inspection list on.
	uses [bufid.NumIDs]bool
}

// UsesBuffer reports whether some loaded rule inspects buffer b (has a
// content or other inspection list on it). A buffer no rule inspects need
// not be built: MatchTx only measures it (TxLen) to notice that the
// transaction progressed.
func (e *Engine) UsesBuffer(b Buf) bool { return b < bufid.NumIDs && e.uses[b] }

// TxLen is optionally implemented by a Tx that can tell the length of a
// buffer instance without building it. MatchTx uses it for the buffers of
// a protocol that no rule inspects; it must agree with Buffer (same ok,
// and the length of the buffer Buffer would return).
type TxLen interface {
	BufferLen(b Buf, i int) (int, bool)
}

// group is a set of rules sharing one prefilter over one buffer: rules
// whose fast pattern is in db, and rules without one that are always
// candidates.
type group struct {
	db     mpm.DB
	always []int32
	// maxPat and minPat are the lengths of the longest and the
	// shortest pattern in db.
	maxPat, minPat int
	// bySrc and byDst index the rules without a fast pattern whose
	// header has a short address list (addrindex.go); nil when none.
	bySrc, byDst *addrIndex
}

// txGroup holds an app-layer protocol's transaction rules: a group per
// buffer plus the rules without any fast pattern.
type txGroup struct {
	bufs   [bufid.NumIDs]*group
	always []int32
	// watch lists, per direction (0 to server), the buffers MatchTx
	// looks at for changes: the buffers of the group's protocol and every
	// buffer a rule of the group inspects. Others cannot matter.
	watch [2][]Buf
	// xby holds, per buffer, the prefilters over transformed versions of
	// it (one per transform chain, e.g. dns.query after dotprefix).
	xby map[Buf][]*xformGroup
}

// xformGroup is the prefilter of the rules whose fast pattern is in a
// list of buf with the transform chain xforms.
type xformGroup struct {
	buf    Buf
	xforms []transform
	key    string
	pats   []mpm.Pattern // while building
	g      *group
}

// xformGroup returns the group of buf under the transform chain xs,
// adding it if new. Chains are told apart by their printed form
// (transforms are small values; pcrexform prints its compiled pattern's
// address, so its rules do not share).
func (g *txGroup) xformGroup(buf Buf, xs []transform) *xformGroup {
	var kb strings.Builder
	for _, x := range xs {
		fmt.Fprintf(&kb, "%T%+v;", x, x)
	}
	key := kb.String()
	for _, xg := range g.xby[buf] {
		if xg.key == key {
			return xg
		}
	}
	if g.xby == nil {
		g.xby = map[Buf][]*xformGroup{}
	}
	xg := &xformGroup{buf: buf, xforms: xs, key: key}
	g.xby[buf] = append(g.xby[buf], xg)
	return xg
}

// addWatch adds b to the watch lists of the directions it exists in.
func (g *txGroup) addWatch(b Buf) {
	spec := &bufid.Specs[b]
	if !spec.Tx() {
		return
	}
	for d := 0; d < 2; d++ {
		if spec.Dir == bufid.ToServer && d == 1 || spec.Dir == bufid.ToClient && d == 0 || slices.Contains(g.watch[d], b) {
			continue
		}
		g.watch[d] = append(g.watch[d], b)
	}
}

// Sigs returns the compiled signatures in load order.
func (e *Engine) Sigs() []*Sig { return e.sigs }

// Close frees the prefilter databases. Matchers must be closed first.
// Closing twice is harmless (a reloading pipeline closes the startup
// engine it replaced; its owner may close it again).
func (e *Engine) Close() error {
	var errs []error
	for _, db := range e.dbs {
		errs = append(errs, db.Close())
	}
	// The signatures and groups go too: a caller may keep the *Engine
	// (a run keeps its startup engine in its configuration), and once a
	// reload replaced it its Go memory must be freed with it.
	*e = Engine{}
	return errors.Join(errs...)
}

// ReleaseMemory returns free memory to the operating system: the Go
// heap's (debug.FreeOSMemory) and the C heap's (malloc_trim), where the
// prefilter databases of closed engines and the compiler's temporaries
// were. glibc keeps freed C memory in the arena of the thread that
// allocated it, and a reload compiles on whatever thread it runs on, so
// without this a closed engine's databases stay resident beside the next
// one's. Reloads call it before building and after freeing the old engine.
func ReleaseMemory() {
	debug.FreeOSMemory()
	mpm.ReleaseCompileMemory()
}

// releaseParsedMin is the ruleset size from which Compile returns the
// parsed rules' memory to the system before compiling the prefilters.
const releaseParsedMin = 1000

// Compile builds an Engine from rs. Rules that use a keyword detection
// cannot evaluate are skipped and counted in the Report; an error is
// returned only when the prefilter cannot be built. The Engine does not
// keep rs: a caller that drops it lets the parsed rules be freed while
// the prefilters compile.
func Compile(rs *rules.RuleSet, opts Options) (*Engine, *Report, error) {
	e := &Engine{mpm: opts.Prefilter}
	if e.mpm == nil {
		e.mpm = mpm.Hyperscan{}
	}
	rep := &Report{Skipped: map[string]int{}}
	tbl := Keywords()
	// Pass rules are evaluated first (Suricata's default action-order
	// starts with pass), so that a matching pass rule can stop the
	// inspection of the packet before any other rule alerts on it.
	ordered := slices.Clone(rs.Rules())
	slices.SortStableFunc(ordered, func(a, b *rules.Rule) int {
		return passRank(a) - passRank(b)
	})
	for _, r := range ordered {
		s, err := compileRule(r, len(e.sigs), tbl)
		if err != nil {
			kw := "?"
			var ke *KeywordError
			if errors.As(err, &ke) {
				kw = ke.Keyword
			}
			rep.Skipped[kw]++
			rep.Errors = append(rep.Errors, fmt.Errorf("sid %d: %w", r.Sid, err))
			continue
		}
		s.Rule = slimRule(r)
		e.sigs = append(e.sigs, s)
	}
	rep.Loaded = len(e.sigs)
	e.xbits = newXbitStore(e.sigs, opts.XbitsMax)
	if len(ordered) >= releaseParsedMin {
		// The Sigs hold what they need (slimRule): unless the caller
		// keeps the RuleSet, the parsed rules are garbage now. Give their
		// memory back before the prefilter compiler, whose C heap is the
		// peak of loading, allocates.
		ordered = nil
		debug.FreeOSMemory()
	}
	err := e.build()
	if err == nil {
		err = e.compileGroups()
		mpm.ReleaseCompileMemory()
	}
	if err != nil {
		e.Close()
		return nil, rep, err
	}
	return e, rep, nil
}

// build groups the signatures and compiles one prefilter per group.
func (e *Engine) build() error {
	var pktPats [256][]mpm.Pattern
	var pktAlways [256][]int32
	var streamPats []mpm.Pattern
	var streamAlways []int32
	var txPats [bufid.NumProtos]*[bufid.NumIDs][]mpm.Pattern
	for _, s := range e.sigs {
		for i := range s.lists {
			if b := s.lists[i].buf; b < bufid.NumIDs {
				e.uses[b] = true
			}
		}
		n := int32(s.Num)
		fp := s.fast
		// A fast pattern in a transformed list needs a database per
		// transform chain: transaction rules get one (dns.query; dotprefix
		// is common), other rules are always candidates instead.
		if fp != nil && len(fp.xforms) > 0 && !s.TxBased() {
			fp = nil
		}
		if s.TxBased() {
			for _, ap := range txGroupProtos(s.appProto) {
				g := e.tx[ap]
				if g == nil {
					g = &txGroup{}
					e.tx[ap] = g
					txPats[ap] = &[bufid.NumIDs][]mpm.Pattern{}
				}
				for i := range s.lists {
					if b := s.lists[i].buf; b != bufid.Packet && b != bufBase64 {
						g.addWatch(b)
					}
				}
				if fp == nil || fp.buf == bufid.Packet && len(fp.xforms) > 0 {
					g.always = append(g.always, n)
					continue
				}
				// A fast pattern in pkt_data goes into the group's
				// bufid.Packet database, scanned over the payload (the
				// stream data) the transaction is inspected with.
				if len(fp.xforms) > 0 {
					xg := g.xformGroup(fp.buf, fp.xforms)
					xg.pats = append(xg.pats, mpm.Pattern{ID: uint32(n), Bytes: fp.bytes, Nocase: fp.nocase})
					continue
				}
				txPats[ap][fp.buf] = append(txPats[ap][fp.buf], mpm.Pattern{ID: uint32(n), Bytes: fp.bytes, Nocase: fp.nocase})
			}
			continue
		}
		if s.stream {
			// TCP sessions inspect stream rules on the reassembled stream,
			// so TCP packets of a session never need their patterns: they
			// get a database of their own, scanned over stream data (and
			// over the payload of TCP packets outside a session).
			if fp == nil {
				streamAlways = append(streamAlways, n)
			} else {
				streamPats = append(streamPats, mpm.Pattern{ID: uint32(n), Bytes: fp.bytes, Nocase: fp.nocase})
			}
			e.anchored = e.anchored || s.pktStream
		}
		for p := 0; p < 256; p++ {
			if s.proto.ipProto != 0 && int(s.proto.ipProto) != p || s.stream && p == 6 {
				continue
			}
			if fp == nil {
				pktAlways[p] = append(pktAlways[p], n)
			} else {
				pktPats[p] = append(pktPats[p], mpm.Pattern{ID: uint32(n), Bytes: fp.bytes, Nocase: fp.nocase})
			}
		}
	}
	sg, err := e.newGroup(streamPats, streamAlways, "TCP stream")
	if err != nil {
		return err
	}
	e.stream = sg
	// Protocols without any protocol-specific rule share one group (the
	// "any protocol" rules), compiled once. TCP always has its own (its
	// stream rules are apart).
	var shared *group
	for p := 0; p < 256; p++ {
		specific := p == 6
		for _, s := range e.sigs {
			if int(s.proto.ipProto) == p && !s.TxBased() {
				specific = true
				break
			}
		}
		if !specific && shared != nil {
			e.pkt[p] = shared
			continue
		}
		g, err := e.newGroup(pktPats[p], pktAlways[p], fmt.Sprintf("IP protocol %d", p))
		if err != nil {
			return err
		}
		e.pkt[p] = g
		if !specific {
			shared = g
		}
	}
	for proto, g := range e.tx {
		if g == nil {
			continue
		}
		for b := Buf(0); b < bufid.NumIDs; b++ {
			if bufid.Specs[b].Proto == bufid.Proto(proto) {
				g.addWatch(b)
			}
		}
	}
	for proto, g := range e.tx {
		if g == nil {
			continue
		}
		for _, xgs := range g.xby {
			for _, xg := range xgs {
				gr, err := e.newGroup(xg.pats, nil, bufid.Proto(proto).String()+" "+xg.buf.String()+" transformed")
				if err != nil {
					return err
				}
				xg.g, xg.pats = gr, nil
			}
		}
	}
	for proto, pats := range txPats { // ProtoHTTP before ProtoHTTP2 (sharedTxGroup)
		if pats == nil {
			continue
		}
		proto := bufid.Proto(proto)
		g := e.tx[proto]
		for b := range pats {
			if len(pats[b]) == 0 {
				continue
			}
			if gr := e.sharedTxGroup(&txPats, proto, Buf(b)); gr != nil {
				g.bufs[b] = gr // http2.go
				continue
			}
			gr, err := e.newGroup(pats[b], nil, proto.String()+" "+Buf(b).String())
			if err != nil {
				return err
			}
			g.bufs[b] = gr
		}
	}
	return nil
}

// newGroup makes a group and queues its database for compileGroups.
func (e *Engine) newGroup(pats []mpm.Pattern, always []int32, name string) (*group, error) {
	g := &group{}
	g.always = g.splitAlways(e.sigs, always)
	for i := range pats {
		g.maxPat = max(g.maxPat, len(pats[i].Bytes))
		if i == 0 || len(pats[i].Bytes) < g.minPat {
			g.minPat = len(pats[i].Bytes)
		}
	}
	if len(pats) > 0 {
		e.jobs = append(e.jobs, compileJob{g: g, pats: pats, name: name})
	}
	return g, nil
}

// compileJob is one prefilter database to build.
type compileJob struct {
	g    *group
	pats []mpm.Pattern
	name string
	db   mpm.DB
	err  error
}

// compileGroups builds the queued databases on all CPUs: Hyperscan
// compilation is most of the load time and the groups are independent.
func (e *Engine) compileGroups() error {
	jobs := e.jobs
	e.jobs = nil
	// Largest first, so that the long ones do not end up last.
	sort.Slice(jobs, func(i, j int) bool { return len(jobs[i].pats) > len(jobs[j].pats) })
	next := make(chan int, len(jobs))
	for i := range jobs {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				jobs[i].db, jobs[i].err = e.mpm.Compile(jobs[i].pats)
				mpm.ReleaseCompileMemory() // keep the compile peak low
			}
		}()
	}
	wg.Wait()
	var errs []error
	for i := range jobs {
		if jobs[i].err != nil {
			errs = append(errs, fmt.Errorf("compile prefilter for %s: %w", jobs[i].name, jobs[i].err))
			continue
		}
		jobs[i].g.db = jobs[i].db
		e.dbs = append(e.dbs, jobs[i].db)
	}
	return errors.Join(errs...)
}

// Alert is one rule match. TxID is -1 for a packet rule.
type Alert struct {
	Sig  *Sig
	TxID int64
	// Stream is set when the rule matched the reassembled stream data
	// (MatchStream, MatchPacketStream), not the packet's own payload:
	// EVE then logs the stream data as the alert's payload.
	Stream bool
	// Context are the alert variables the rule's pcre captured
	// (alert.context), nil for most rules.
	Context []Var
}

// TxState is the detection state of one transaction that the engine keeps
// with the transaction: which rules already alerted on it, so that a rule
// fires once per transaction however often the transaction is inspected.
type TxState struct {
	// done lists the rules that fired, per direction (0 to_server,
	// 1 to_client): a rule whose buffers all exist in both directions
	// fires once per direction, any other rule once per transaction
	// (recorded in both).
	done [2][]int32
	// pending are candidates that passed the prefilter and may still
	// match when the transaction grows.
	pending []int32
	// scanned is the length of each buffer when it was last scanned, per
	// direction (0 to_server, 1 to_client).
	scanned [2][bufid.NumIDs]uint32
	// head is a hash of the start of each growing buffer (bufSpec.grows)
	// at its last scan: a buffer whose start changed (a body that was
	// raw and decodes now) is scanned again in full.
	head [2][numGrows]uint32
	seen [2]bool
	// finalSeen[d] says the side was already evaluated once it was final:
	// rules of the other direction stay pending, and must not make every
	// later packet inspect this side again.
	finalSeen [2]bool
}

// Reuse empties st for a new transaction, keeping the memory of its lists
// so that a slot reused per transaction allocates nothing.
func (st *TxState) Reuse() {
	done0, done1, pending := st.done[0][:0], st.done[1][:0], st.pending[:0]
	*st = TxState{done: [2][]int32{done0, done1}, pending: pending}
}

// Matcher is one worker's matching state over an Engine. It is not safe
// for concurrent use.
type Matcher struct {
	e      *Engine
	xbits  *XbitStore
	sc     mpm.Scanner
	th     Thread
	cands  []int32
	prof   []RuleProfile
	sample uint64
	// passed is set when a pass rule matched during the current call.
	passed bool
	// final is MatchTx's final argument during its call.
	final bool
}

// MatcherOptions configure NewMatcherWith.
type MatcherOptions struct {
	// Xbits is the xbits store the matcher's rules read and write; nil
	// uses the engine's own. A pipeline that reloads gives every engine's
	// matchers the same store, so that xbits survive the reload.
	Xbits *XbitStore
}

// NewMatcher returns a matcher with its own prefilter scratch, using the
// engine's own xbits store.
func (e *Engine) NewMatcher() (*Matcher, error) { return e.NewMatcherWith(MatcherOptions{}) }

// NewMatcherWith returns a matcher with its own prefilter scratch.
func (e *Engine) NewMatcherWith(o MatcherOptions) (*Matcher, error) {
	sc, err := e.mpm.NewScanner()
	if err != nil {
		return nil, err
	}
	re, err := pcre.NewMatcher(pcre.DefaultLimits)
	if err != nil {
		sc.Close()
		return nil, err
	}
	m := &Matcher{e: e, sc: sc, xbits: o.Xbits}
	if m.xbits == nil {
		m.xbits = e.xbits
	}
	m.th.re = re
	return m, nil
}

// Close frees the scratch.
func (m *Matcher) Close() error {
	m.th.re.Close()
	return m.sc.Close()
}

// Stats returns the matcher's counters.
func (m *Matcher) Stats() ThreadStats { return m.th.Stats }

// candidates scans buf with g and appends the candidate rule numbers for
// p.
func (m *Matcher) candidates(g *group, p *Packet, buf []byte) {
	m.cands = append(m.cands, g.always...)
	m.addrCands(g, p)
	if g.db != nil && len(buf) > 0 {
		m.scanInto(g, buf)
	}
}

// sortCands orders candidates by rule number and drops duplicates, so that
// rules are evaluated in load order.
func (m *Matcher) sortCands() {
	slices.Sort(m.cands)
	m.cands = slices.Compact(m.cands)
}

// anchoredCands appends the candidates among the anchored stream rules
// (Sig.pktStream) for the payload of p, a TCP session's packet.
func (m *Matcher) anchoredCands(p *Packet) {
	n := len(m.cands)
	m.candidates(m.e.stream, p, p.Payload)
	k := n
	for _, c := range m.cands[n:] {
		if m.e.sigs[c].pktStream {
			m.cands[k] = c
			k++
		}
	}
	m.cands = m.cands[:k]
}

// MatchPacket evaluates the packet rules against p and appends alerts to
// out.
func (m *Matcher) MatchPacket(p *Packet, out []Alert) []Alert {
	return m.matchPacketStream(p, nil, true, out)
}

// MatchStream evaluates the stream rules (payload rules of TCP) against
// data, newly reassembled bytes of p's direction, and appends alerts to
// out. p is the packet the data is inspected with; its payload is not
// used.
func (m *Matcher) MatchStream(p *Packet, data []byte, out []Alert) []Alert {
	if len(data) == 0 {
		return out
	}
	return m.matchPacketStream(p, data, false, out)
}

// MatchPacketStream is MatchPacket and MatchStream in one pass: packet
// rules inspect p's payload and stream rules inspect data, in rule order,
// so that a flowbit set by one kind of rule is seen by a later rule of the
// other kind on the same packet, as in Suricata's single detection pass.
func (m *Matcher) MatchPacketStream(p *Packet, data []byte, out []Alert) []Alert {
	return m.matchPacketStream(p, data, true, out)
}

func (m *Matcher) matchPacketStream(p *Packet, data []byte, pktRules bool, out []Alert) []Alert {
	g := m.e.pkt[p.Proto]
	if g == nil || flowPassed(p) {
		return out
	}
	m.passed = false
	m.cands = m.cands[:0]
	if p.NoPayload {
		// Only rules without payload keywords can match: no scans.
		data = nil
		if pktRules {
			m.cands = append(m.cands, g.always...)
			m.addrCands(g, p)
		}
	} else {
		if pktRules {
			m.candidates(g, p, p.Payload)
			if p.Proto == 6 && !p.HasStream {
				m.candidates(m.e.stream, p, p.Payload) // no session: stream rules see the packet
			} else if p.Proto == 6 && len(p.Payload) > 0 && m.e.anchored {
				m.anchoredCands(p) // a session's packet: its anchored stream rules
			}
		}
		if len(data) > 0 {
			m.candidates(m.e.stream, p, data)
		}
	}
	m.sortCands()
	m.th.Stats.PacketCalls++
	m.th.Stats.PacketCands += uint64(len(m.cands))
	saved := p.Payload
	for _, n := range m.cands {
		s := m.e.sigs[n]
		if s.appProto != bufid.ProtoUnknown && !appProtoMatch(s.appProto, p.AppProto) {
			continue
		}
		if p.NoPayload && s.payload {
			continue
		}
		var ok, onStream bool
		if s.stream && (p.HasStream || !pktRules) || s.onlyStream {
			// Inspected on the reassembled stream; an anchored rule
			// (pktStream) falls back to the payload of a session's
			// packet, as Suricata inspects its PKT_STREAM rules.
			if !s.stream {
				continue
			}
			if len(data) > 0 {
				p.Payload = data
				ok = m.common(s, p) && m.inspect(s, p, nil)
				p.Payload = saved
				onStream = ok
			}
			if !ok && s.pktStream && pktRules && p.HasStream && len(saved) > 0 {
				ok = m.common(s, p) && m.inspect(s, p, nil)
			}
		} else if !pktRules {
			continue
		} else {
			ok = m.common(s, p) && m.inspect(s, p, nil)
		}
		if ok {
			n := len(out)
			out = m.fire(s, p, -1, out)
			if len(out) > n {
				out[n].Stream = onStream
			}
			if m.passed {
				break // a pass rule ends the inspection of this packet
			}
		}
	}
	return out
}

// common runs the header, packet, flow and flowbits tests.
func (m *Matcher) common(s *Sig, p *Packet) bool {
	if s.pdOnly && !p.ProtoDetectDone || s.ipOnly && !p.firstInDir() {
		return false
	}
	if !s.headerMatch(p) || !s.flow.match(p) || s.flowStart && !flowStartPacket(p) {
		return false
	}
	for _, t := range s.pkt {
		if !t.match(p) {
			return false
		}
	}
	for i := range s.state {
		if !s.state[i].match(p) {
			return false
		}
	}
	if len(s.itest) > 0 && !flowintTests(s.itest, p) {
		return false
	}
	if len(s.xtest) > 0 && !m.xbits.test(s.xtest, p) {
		return false
	}
	return true
}

func (m *Matcher) fire(s *Sig, p *Packet, txID int64, out []Alert) []Alert {
	for i := range s.post {
		s.post[i].apply(p.Flow)
	}
	if len(s.ipost) > 0 {
		flowintApply(s.ipost, p)
	}
	if len(s.xpost) > 0 {
		m.xbits.apply(s.xpost, p)
	}
	if s.bypass && p.Flow != nil {
		p.Flow.bypassed = true
	}
	var ctx []Var
	if len(m.th.caps) > 0 {
		ctx = m.th.storeCaptures(p)
	}
	if s.Passes() {
		m.passed = true
		if p.Flow != nil {
			p.Flow.passed = true
		}
		if !s.alsoAlert {
			return out
		}
		return append(out, Alert{Sig: s, TxID: txID, Context: ctx})
	}
	if s.NoAlert {
		return out
	}
	return append(out, Alert{Sig: s, TxID: txID, Context: ctx})
}

func passRank(r *rules.Rule) int {
	if r.Action == ruleparser.ActionPass {
		return 0
	}
	return 1
}

// flowPassed reports whether a pass rule matched earlier in p's flow:
// Suricata stops inspecting a flow once a pass rule matched on it
// (rules/intro.html#action).
func flowPassed(p *Packet) bool { return p.Flow != nil && p.Flow.passed }

// Tx is the view of one app-layer transaction: its buffers by Buf.
// Buffer returns instance i of b (0 for single buffers) and false when
// the transaction has no such buffer (yet).
type Tx interface {
	Buffer(b Buf, i int) ([]byte, bool)
}

// MatchTx evaluates the transaction rules of p.AppProto against tx, in
// the packet's direction, and appends alerts to out. st is the detection
// state the caller keeps with the transaction: which rules fired, which
// buffers were scanned and which candidates wait for more data. final says
// that the transaction's side in this direction is complete (or the flow
// ended), so that buffers still growing are inspected now.
//
// Work is incremental, as Suricata's: a buffer is scanned again only when
// it changed, and a growing buffer (a body) only once it has doubled since
// the last scan or is final, so a long body costs linear time. Rules that
// passed the prefilter but did not match stay candidates until the side
// is final.
func (m *Matcher) MatchTx(p *Packet, tx Tx, txID int64, final bool, st *TxState, out []Alert) []Alert {
	g := m.e.tx[p.AppProto]
	if g == nil || flowPassed(p) {
		return out
	}
	m.passed = false
	m.final = final
	d := 0
	if !p.ToServer {
		d = 1
	}
	if final && st.finalSeen[d] {
		// This side was complete at its last evaluation: its buffers
		// cannot have changed since, and waiting rules got their last
		// evaluation then.
		return out
	}
	m.cands = m.cands[:0]
	changed := false
	txLen, _ := tx.(TxLen)
	for _, b := range g.watch[d] {
		spec := &bufid.Specs[b]
		total, instances := 0, 0
		if txLen != nil && !spec.Value && !m.e.uses[b] {
			// No rule inspects b: its length is all that matters.
			for i := 0; ; i++ {
				n, ok := txLen.BufferLen(b, i)
				if !ok {
					break
				}
				total += n + 1
				instances++
				if !spec.Multi {
					break
				}
			}
		} else {
			for i := 0; ; i++ {
				buf, ok := tx.Buffer(b, i)
				if !ok {
					break
				}
				total += len(buf) + 1
				instances++
				if spec.Value {
					total = valueKey(buf) // a value changes in place
				}
				if !spec.Multi {
					break
				}
			}
		}
		prev := int(st.scanned[d][b])
		if total == prev {
			continue
		}
		if !spec.Value && !final && prev > 0 && total < 2*prev {
			continue // still growing: wait until it doubles or is final
		}
		st.scanned[d][b] = uint32(total)
		changed = true
		for _, xg := range g.xby[b] {
			m.scanTransformed(xg, tx, spec.Multi)
		}
		gr := g.bufs[b]
		if gr == nil || gr.db == nil {
			continue
		}
		for i := 0; ; i++ {
			buf, ok := tx.Buffer(b, i)
			if !ok {
				break
			}
			if spec.Grows {
				h := headHash(buf)
				if instances == 1 && prev > 0 && prev-1 <= len(buf) && st.head[d][growIdx[b]] == h {
					// A grown body: the part scanned before cannot add
					// candidates (those it gave fired or still wait in
					// pending), so scan what was added, plus a pattern's
					// length back for matches across the old end.
					buf = buf[max(0, prev-1-(gr.maxPat-1)):]
				}
				st.head[d][growIdx[b]] = h
			}
			m.scanInto(gr, buf)
			if !spec.Multi {
				break
			}
		}
	}
	// Nothing new to inspect, unless the side just became final and
	// candidates still wait (they get their last evaluation now).
	if !changed && st.seen[d] && !(final && !st.finalSeen[d] && len(st.pending) > 0) {
		return out
	}
	st.seen[d] = true
	st.finalSeen[d] = final // the last evaluation happens once
	if gr := g.bufs[bufid.Packet]; gr != nil && gr.db != nil && len(p.Payload) > 0 {
		// Rules whose fast pattern is in pkt_data can only match when
		// the payload inspected with this transaction has it.
		m.scanInto(gr, p.Payload)
	}
	m.cands = append(m.cands, g.always...)
	m.cands = append(m.cands, st.pending...)
	m.sortCands()
	m.th.Stats.TxCalls++
	m.th.Stats.TxCands += uint64(len(m.cands))
	st.pending = st.pending[:0]
	for _, n := range m.cands {
		if slices.Contains(st.done[d], n) {
			continue
		}
		s := m.e.sigs[n]
		// A rule whose buffers are all of one direction is evaluated on
		// packets of that direction, as Suricata inspects each side of a
		// transaction with the packets that complete it.
		if s.txDir == bufid.ToServer && d == 1 || s.txDir == bufid.ToClient && d == 0 {
			st.pending = append(st.pending, n)
			continue
		}
		if !m.common(s, p) {
			if !final {
				st.pending = append(st.pending, n)
			}
			continue
		}
		if m.inspect(s, p, tx) {
			st.done[d] = append(st.done[d], n)
			if !m.e.sigs[n].txPerDir {
				st.done[1-d] = append(st.done[1-d], n)
			}
			out = m.fire(s, p, txID, out)
			if m.passed {
				break // a pass rule ends the inspection of this packet
			}
		} else if !final || s.txBothDirs && !st.finalSeen[1-d] {
			// A rule with buffers of both sides waits for the other
			// side's data even when this side is final.
			st.pending = append(st.pending, n)
		}
	}
	return out
}

// inspect runs s's inspection lists, counting checks and matches and, one
// evaluation in profileSample, timing it when rule profiling is on.
func (m *Matcher) inspect(s *Sig, p *Packet, tx Tx) bool {
	if m.prof == nil {
		return m.matchLists(s, p, tx)
	}
	st := &m.prof[s.Num]
	st.Checks++
	m.sample++
	if m.sample%profileSample != 0 {
		ok := m.matchLists(s, p, tx)
		if ok {
			st.Matches++
		}
		return ok
	}
	t0 := time.Now()
	ok := m.matchLists(s, p, tx)
	st.Ticks += uint64(time.Since(t0)) * profileSample
	if ok {
		st.Matches++
	}
	return ok
}

// profileSample is how often rule profiling times an evaluation.
const profileSample = 32

// RuleProfile counts one rule's evaluations: full inspections after the
// prefilter (Checks), matches, and the estimated time spent (sampled).
type RuleProfile struct {
	Checks, Matches uint64
	Ticks           uint64 // nanoseconds, estimated from samples
}

// EnableProfile turns rule profiling on for this matcher.
func (m *Matcher) EnableProfile() { m.prof = make([]RuleProfile, len(m.e.sigs)) }

// Profile returns the per-rule counters (indexed by Sig.Num), nil when
// profiling is off.
func (m *Matcher) Profile() []RuleProfile { return m.prof }

// matchLists runs every inspection list of s; tx is nil for packet rules.
func (m *Matcher) matchLists(s *Sig, p *Packet, tx Tx) bool {
	m.th.caps, m.th.flow, m.th.now = m.th.caps[:0], p.Flow, p.Ts
	for i := range s.lists {
		l := &s.lists[i]
		switch l.buf {
		case bufid.Packet:
			if !m.th.inspectList(l.items, m.transformed(l, p.Payload)) {
				return false
			}
			continue
		case bufBase64:
			if !m.th.inspectList(l.items, m.transformed(l, m.th.b64)) {
				return false
			}
			continue
		}
		if bufid.Specs[l.buf].Hdr {
			h := headerBuf(p, l.buf)
			if h == nil || !m.th.inspectList(l.items, m.transformed(l, h)) {
				return false
			}
			continue
		}
		if tx == nil {
			return false
		}
		if l.buf == bufid.DCERPCStubData {
			m.th.dceBig = dceBigEndian(tx)
		}
		if isFTPStateBuf(l.buf) {
			if !m.matchFTPList(l, p, tx) {
				return false
			}
			continue
		}
		if l.count != nil {
			if l.buf == bufid.TLSCerts && p.ToServer {
				// tls.cert_chain_len counts the server's chain only, as
				// in Suricata (tls.certs is both sides' chains).
				return false
			}
			n := 0
			for {
				if _, ok := tx.Buffer(l.buf, n); !ok {
					break
				}
				n++
			}
			if n == 0 || !l.count.Match(uint64(n)) {
				return false
			}
			continue
		}
		if l.absent != absentNone {
			if _, ok := tx.Buffer(l.buf, 0); !ok {
				// Absent only counts once the side is complete: a buffer
				// may still arrive while it is in progress.
				if !m.final {
					return false
				}
				continue
			}
			if l.absent == absentOnly {
				return false
			}
		}
		matched := false
		for j := 0; ; j++ {
			buf, ok := tx.Buffer(l.buf, j)
			if !ok {
				break
			}
			if m.th.inspectList(l.items, m.transformed(l, buf)) {
				matched = true
				break
			}
			if !bufid.Specs[l.buf].Multi {
				break
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

func (m *Matcher) transformed(l *list, b []byte) []byte {
	if len(l.transforms) == 0 {
		return b
	}
	return m.th.applyTransforms(l.transforms, b)
}

// scanTransformed scans each instance of xg's buffer after xg's
// transforms and adds the matching rules to the candidates.
func (m *Matcher) scanTransformed(xg *xformGroup, tx Tx, multi bool) {
	if xg.g == nil || xg.g.db == nil {
		return
	}
	for i := 0; ; i++ {
		buf, ok := tx.Buffer(xg.buf, i)
		if !ok {
			return
		}
		if x := m.th.applyTransforms(xg.xforms, buf); len(x) > 0 {
			m.scanInto(xg.g, x)
		}
		if !multi {
			return
		}
	}
}

// valueKey stands for the content of a value buffer (bufSpec.value, at
// most 3 bytes used) in TxState.scanned: never 0, which means unseen.
func valueKey(b []byte) int {
	k := 1 << 24
	for i := 0; i < len(b) && i < 3; i++ {
		k |= int(b[i]) << (8 * i)
	}
	return k
}

// headHash hashes the first bytes of a growing buffer (FNV-1a).
func headHash(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b[:min(len(b), 32)] {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// scanInto adds the rules whose fast pattern g's database finds in buf to
// the candidates. A buffer shorter than every pattern of the database
// cannot hold one: the scan, whose fixed cost dominates small buffers, is
// skipped.
func (m *Matcher) scanInto(g *group, buf []byte) {
	if len(buf) < g.minPat {
		return
	}
	if ids, err := m.sc.Scan(g.db, buf); err == nil {
		for _, id := range ids {
			m.cands = append(m.cands, int32(id))
		}
	}
}
