package ruleparser

// This file holds the typed option values. Which keyword uses which type is
// decided by the keyword table (detect/table.go); every keyword's value is
// checked by its parser (keywords.go, kwparse.go).

// Flag is a keyword without a value (noalert, sameip, ftpbounce, ...).
type Flag struct{ Head }

// Buffer is a sticky buffer or a transform without arguments (http.uri,
// file.data, pkt_data, dotprefix, to_lowercase, ...). Snort 3 sticky buffers
// may carry an argument in Arg (http_header:field user-agent).
type Buffer struct {
	Head
	Kind BufferKind
	Arg  string
}

// BufferKind tells a sticky buffer from a transform.
type BufferKind uint8

// Buffer kinds.
const (
	Sticky BufferKind = iota + 1
	Transform
)

// String returns the canonical text of the BufferKind.
func (k BufferKind) String() string {
	switch k {
	case Sticky:
		return "sticky"
	case Transform:
		return "transform"
	}
	return "?"
}

// Text is a keyword whose value is one piece of text (msg, classtype,
// dce_iface, ja3.string, ...). Value is unescaped (quotes removed, \" \; \\
// resolved); Quoted records whether it was written in quotes.
type Text struct {
	Head
	Value  string
	Quoted bool
}

// Uint is a keyword whose value is one unsigned number (sid, rev, gid,
// priority, ...).
type Uint struct {
	Head
	Value uint32
}

// List is a keyword whose value is a comma-separated list of (optionally
// negated) words (ssl_state, ssl_version, tls.version, service, ...).
type List struct {
	Head
	Items []ListItem
	// Sep is the separator character the keyword uses (',' or '|').
	Sep byte
}

// ListItem is one element of a List.
type ListItem struct {
	Negated bool
	Value   string
}

// NumOrVar is a number or the name of a byte_extract/byte_math variable.
type NumOrVar struct {
	Num int64
	Var string // non-empty: a variable name
}

// IsVar reports whether v names a variable.
func (v NumOrVar) IsVar() bool { return v.Var != "" }

// Content is content / uricontent / Snort 3 content with its modifiers.
type Content struct {
	Head
	Pattern []byte
	Negated bool
	// Raw is the pattern text between the quotes, as written.
	Raw string

	Nocase     bool
	Offset     *NumOrVar
	Depth      *NumOrVar
	Distance   *NumOrVar
	Within     *NumOrVar
	Startswith bool
	Endswith   bool
	Rawbytes   bool
	// FastPattern is non-nil when fast_pattern was given.
	FastPattern *FastPattern
	// LegacyBuffer is a Suricata/Snort 2 buffer content modifier such as
	// "http_uri" written after the content; empty when none.
	LegacyBuffer string
	// Mods lists the modifiers in the order written, with positions.
	Mods []Mod
}

// Mod records one content modifier as written.
type Mod struct {
	Name string
	Pos  Pos
}

// FastPattern is fast_pattern[:only|:offset,length].
type FastPattern struct {
	Only           bool
	Offset, Length int // both 0 unless a chop was given
	Chop           bool
}

// PCRE is pcre:"/re/flags".
type PCRE struct {
	Head
	Negated bool
	Pattern string
	// Flags is the flag text as written after the closing '/'.
	Flags string
	Set   PCREFlags
	// Relative is Snort 3's ",relative" suffix.
	Relative bool
	// Captures are the capture variable names written after the flags
	// ("flow:name", "pkt:name", "alert:name", "pkt:key", "pkt:value"),
	// one per capturing group in order.
	Captures []string
}

// PCREFlags is the parsed flag set of a pcre option.
type PCREFlags uint64

// Has reports whether flag letter c is set.
func (f PCREFlags) Has(c byte) bool {
	i := pcreFlagIndex(c)
	return i >= 0 && f&(1<<uint(i)) != 0
}

// FlowOpt is one flow keyword option.
type FlowOpt uint8

// Flow options.
const (
	FlowEstablished FlowOpt = iota + 1
	FlowNotEstablished
	FlowStateless
	FlowToServer
	FlowToClient
	FlowFromServer
	FlowFromClient
	FlowOnlyStream
	FlowNoStream
	FlowOnlyFrag
	FlowNoFrag
)

var flowOptNames = [...]string{"", "established", "not_established", "stateless", "to_server",
	"to_client", "from_server", "from_client", "only_stream", "no_stream", "only_frag", "no_frag"}

// String returns the canonical text of the FlowOpt.
func (f FlowOpt) String() string {
	if int(f) < len(flowOptNames) {
		return flowOptNames[f]
	}
	return "?"
}

// Flow is flow:opt,opt.
type Flow struct {
	Head
	Opts []FlowOpt
}

// Flowbits is flowbits:cmd[,name[|name...]][,group]. Op is '|' or '&' when
// Names has more than one element, else 0.
type Flowbits struct {
	Head
	Cmd   string
	Names []string
	Op    byte
	Group string // Snort 2 "flowbits:set,name,group"
}

// Flowint is flowint:name,op[,value].
type Flowint struct {
	Head
	Var   string
	Op    string // "+", "-", "=", "==", "!=", "<", ">", "<=", ">=", "isset", "notset", "isnotset"
	Value *NumOrVar
}

// Xbits is xbits:cmd,name,track ip_src|ip_dst|ip_pair[,expire N].
type Xbits struct {
	Head
	Cmd    string
	Name   string
	Track  string
	Expire uint32
}

// ByteOpts are the flags shared by the byte_* keywords.
type ByteOpts struct {
	Relative bool
	Endian   string // "", "big", "little", "dce"
	String   bool
	Base     string // "", "hex", "dec", "oct"
	Bitmask  uint64
	HasMask  bool
}

// ByteTest is byte_test.
type ByteTest struct {
	Head
	Bytes   NumOrVar
	Negated bool // "!" before the operator; "!" alone is "!="
	Op      ByteOp
	Value   NumOrVar
	Offset  NumOrVar
	ByteOpts
}

// ByteOp is the operator of byte_test. Negation ("!<", "!" for "!=") is
// not an operator: the parser folds it into ByteTest.Negated.
type ByteOp uint8

// byte_test operators.
const (
	ByteLt  ByteOp = iota + 1 // <
	ByteGt                    // >
	ByteEq                    // =
	ByteLe                    // <=
	ByteGe                    // >=
	ByteAnd                   // & (any bit of the value set)
	ByteXor                   // ^ (any bit differs from the value)
)

var byteOpNames = [...]string{"", "<", ">", "=", "<=", ">=", "&", "^"}

// String returns the operator as written in a rule.
func (o ByteOp) String() string {
	if int(o) < len(byteOpNames) {
		return byteOpNames[o]
	}
	return "?"
}

// ByteJump is byte_jump.
type ByteJump struct {
	Head
	Bytes         NumOrVar
	Offset        NumOrVar
	Multiplier    uint32
	Align         bool
	FromBeginning bool
	FromEnd       bool
	PostOffset    *NumOrVar
	ByteOpts
}

// ByteExtract is byte_extract.
type ByteExtract struct {
	Head
	Bytes      uint32
	Offset     int64
	Var        string
	Multiplier uint32
	Align      uint32
	ByteOpts
}

// ByteMath is byte_math.
type ByteMath struct {
	Head
	Bytes  NumOrVar
	Offset NumOrVar
	Oper   string // + - * / << >>
	RValue NumOrVar
	Result string
	ByteOpts
}

// Isdataat is isdataat:[!]size[,relative][,rawbytes].
type Isdataat struct {
	Head
	Negated  bool
	Size     NumOrVar
	Relative bool
	Rawbytes bool
}

// Threshold is threshold / detection_filter.
type Threshold struct {
	Head
	Type       string // limit, threshold, both, backoff ("" for detection_filter)
	Track      string // by_src, by_dst, by_rule, by_both, by_flow
	Count      uint32
	Seconds    uint32
	Multiplier uint32 // backoff
}

// KV is one metadata pair; Value may be empty for a bare word.
type KV struct{ Key, Value string }

// Metadata is metadata:key value, key value.
type Metadata struct {
	Head
	Pairs []KV
}

// Reference is reference:type,value.
type Reference struct {
	Head
	Type, Value string
}

// CmpOp is a comparison operator of UintCmp.
type CmpOp uint8

// Comparison operators.
const (
	CmpEq        CmpOp = iota + 1 // =N or N
	CmpNe                         // !N or !=N
	CmpLt                         // <N
	CmpGt                         // >N
	CmpLe                         // <=N
	CmpGe                         // >=N
	CmpRange                      // A-B or A<>B (exclusive bounds, Suricata semantics)
	CmpNotRange                   // !A-B
	CmpRangeIncl                  // A<=>B (Snort 3, inclusive bounds)
)

var cmpNames = [...]string{"", "=", "!", "<", ">", "<=", ">=", "<>", "!<>", "<=>"}

// String returns the canonical text of the CmpOp.
func (c CmpOp) String() string {
	if int(c) < len(cmpNames) {
		return cmpNames[c]
	}
	return "?"
}

// UintCmp is the shared integer comparison value (dsize, ttl, bsize, ...).
type UintCmp struct {
	Op   CmpOp
	A, B uint64
	// Dash records that a range was written "A-B" rather than "A<>B".
	Dash bool
}

// Compare is an integer comparison keyword. Extra holds trailing
// comma-separated words some keywords allow (urilen:>10,norm;
// bufferlen:>10,relative).
type Compare struct {
	Head
	Cmp   UintCmp
	Extra []string
}

// CompareOrText is an integer keyword that also takes names or flag lists
// (mqtt.type:CONNACK, mqtt.flags:dup,!retain, http2.frametype:DATA). Cmp is
// set when the value is a comparison; otherwise Text holds the value,
// unescaped as in Text.
type CompareOrText struct {
	Head
	Cmp    *UintCmp
	Text   string
	Quoted bool
}

// StreamSize is Suricata/Snort 2 stream_size:side,op,value or Snort 3
// stream_size:cmp[,direction].
type StreamSize struct {
	Head
	// Side is server, client, both or either (Suricata/Snort 2) or
	// to_server, to_client, both or either (Snort 3; "" when left out).
	Side string
	Cmp  UintCmp
}

// Flags is flags / fragbits / tcp.flags: [modifier]bits[,mask].
type Flags struct {
	Head
	Modifier byte // 0, '+', '*', '!', '='
	Bits     string
	Mask     string
}

// IPProto is ip_proto:[!<>]proto.
type IPProto struct {
	Head
	Op    byte // 0, '!', '<', '>'
	Proto string
}

// Base64Decode is base64_decode[:bytes N, offset N, relative].
type Base64Decode struct {
	Head
	Bytes    *uint32
	Offset   *uint32
	Relative bool
}

// Tag is tag:type[,count,metric[,direction]].
type Tag struct {
	Head
	Type      string // session, host (Snort 3: session, host_src, host_dst)
	Count     uint32
	Metric    string // packets, seconds, bytes
	Direction string // src, dst
	HasCount  bool
}

// Args is a keyword whose value is a comma-separated argument list that is
// validated by the keyword's parser but kept as words (asn1, app-layer-event,
// ber_data, transforms with arguments, ...).
type Args struct {
	Head
	Args []string
}
