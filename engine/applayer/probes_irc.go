package applayer

// IRC (RFC 2812) is identified for Snort 3's service:irc only (a
// ServiceOnly entry): Suricata has no IRC parser, so the flow's protocol
// stays whatever the other entries decide. A message is one line of at
// most 512 octets ending in CR LF, "[:prefix SP] command [params]"; the
// probes accept the first line of a direction when it is one.

// ircServerCommands may start a server's side without a prefix.
var ircServerCommands = []string{"NOTICE", "PING", "ERROR"}

// ircMaxLine is the longest IRC message, CR LF included (RFC 2812 2.3).
const ircMaxLine = 512

// ircClientCommands open a client's side of a connection: registration
// (PASS, NICK, USER, CAP negotiation) or, for bots that skip it, the
// usual first commands.
var ircClientCommands = []string{"PASS", "NICK", "USER", "CAP", "JOIN", "PRIVMSG", "PING", "PONG", "MODE", "QUIT", "NOTICE"}

// ircLine returns the first line of data without its line end: ok false
// with more true while no line end arrived within ircMaxLine octets, ok
// and more false when the bytes cannot be an IRC line (a control octet
// other than CR, LF or TAB, or an over-long line).
func ircLine(data []byte) (line []byte, ok, more bool) {
	for i, c := range data {
		if c == '\n' {
			line = data[:i]
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
			}
			return line, len(line) > 0, false
		}
		if i >= ircMaxLine-1 || c == 0 || c < 0x20 && c != '\r' && c != '\t' || c == 0x7f {
			return nil, false, false
		}
	}
	return nil, false, true
}

// ircCommand reports whether w is a command word: letters, or a
// three-digit reply code when numeric is set.
func ircCommand(w []byte, numeric bool) bool {
	if numeric && len(w) == 3 && isDigit(w[0]) && isDigit(w[1]) && isDigit(w[2]) {
		return true
	}
	if len(w) == 0 || len(w) > 16 {
		return false
	}
	for _, c := range w {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// splitWord returns the text up to the first space and what follows it.
func splitWord(b []byte) (word, rest []byte) {
	for i, c := range b {
		if c == ' ' {
			return b[:i], b[i+1:]
		}
	}
	return b, nil
}

// ProbeIRCClient matches a first line that is one of the commands a
// client opens with, followed by a space and parameters.
func ProbeIRCClient(data []byte) ProbeResult {
	line, ok, more := ircLine(data)
	if more {
		// Decide early on a command word that cannot be IRC.
		w, _ := splitWord(data)
		if len(w) < len(data) && !ircClientCommand(w) || len(w) == len(data) && !ircClientPrefix(w) {
			return ProbeNoMatch
		}
		return ProbeNeedMore
	}
	if !ok {
		return ProbeNoMatch
	}
	w, rest := splitWord(line)
	if !ircClientCommand(w) || len(rest) == 0 {
		return ProbeNoMatch
	}
	return ProbeMatch
}

// ircClientPrefix reports whether w may still grow into one of
// ircClientCommands.
func ircClientPrefix(w []byte) bool {
	for _, c := range ircClientCommands {
		if len(w) <= len(c) && prefixFold(w, c[:len(w)]) == ProbeMatch {
			return true
		}
	}
	return false
}

func ircClientCommand(w []byte) bool {
	for _, c := range ircClientCommands {
		if prefixFold(w, c) == ProbeMatch && len(w) == len(c) {
			return true
		}
	}
	return false
}

// ProbeIRCServer matches a first line a server sends: a prefixed
// message ":server 001 nick ...", ":server NOTICE * :..." or an
// unprefixed NOTICE, PING or ERROR.
func ProbeIRCServer(data []byte) ProbeResult {
	line, ok, more := ircLine(data)
	if more {
		// Decide early on a first word no server line starts with.
		if len(data) > 0 && data[0] != ':' && !ircServerPrefix(data) {
			return ProbeNoMatch
		}
		return ProbeNeedMore
	}
	if !ok {
		return ProbeNoMatch
	}
	if line[0] != ':' {
		w, rest := splitWord(line)
		for _, c := range ircServerCommands {
			if string(w) == c && len(rest) > 0 {
				return ProbeMatch
			}
		}
		return ProbeNoMatch
	}
	prefix, rest := splitWord(line[1:])
	if len(prefix) == 0 || len(rest) == 0 {
		return ProbeNoMatch
	}
	cmd, params := splitWord(rest)
	if !ircCommand(cmd, true) || len(params) == 0 {
		return ProbeNoMatch
	}
	return ProbeMatch
}

// ircServerPrefix reports whether data, a partial line, may still start
// with one of ircServerCommands and a space.
func ircServerPrefix(data []byte) bool {
	for _, c := range ircServerCommands {
		n := min(len(data), len(c)+1)
		if string(data[:min(n, len(c))]) == c[:min(n, len(c))] && (n <= len(c) || data[len(c)] == ' ') {
			return true
		}
	}
	return false
}
