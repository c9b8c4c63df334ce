package detect

import (
	"bufio"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// ThresholdConfig is a parsed threshold.config: suppressions and
// thresholds by gid:sid (sid 0: every rule of the gid).
// Docs: https://docs.suricata.io/en/latest/configuration/global-thresholds.html
type ThresholdConfig struct {
	suppress   map[uint64][]suppression
	thresholds map[uint64]*thresholdSpec
}

// suppression drops alerts of one rule, for all traffic or for addresses
// tracked by source, destination or either.
type suppression struct {
	track    track // 0: everything
	prefixes []netip.Prefix
}

func (s *suppression) matches(ac AlertContext) bool {
	if s.track == 0 {
		return true
	}
	in := func(a netip.Addr) bool {
		for _, p := range s.prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	switch s.track {
	case trackSrc:
		return in(ac.Src)
	case trackDst:
		return in(ac.Dst)
	case trackEither:
		return in(ac.Src) || in(ac.Dst)
	}
	return false
}

// LoadThresholdConfig reads a threshold.config file.
func LoadThresholdConfig(path string) (*ThresholdConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("threshold file: %w", err)
	}
	defer f.Close()
	return ParseThresholdConfig(path, f)
}

// ParseThresholdConfig parses threshold.config text. Errors name
// file:line:column.
func ParseThresholdConfig(name string, r io.Reader) (*ThresholdConfig, error) {
	c := &ThresholdConfig{suppress: map[uint64][]suppression{}, thresholds: map[uint64]*thresholdSpec{}}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		col := strings.Index(text, trimmed) + 1
		if err := c.parseLine(trimmed); err != nil {
			return nil, fmt.Errorf("%s:%d:%d: %w", name, line, col, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

func (c *ThresholdConfig) parseLine(s string) error {
	kind, rest, _ := strings.Cut(s, " ")
	kv := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, " ")
		if !ok {
			return fmt.Errorf("%s: want \"key value\", got %q", kind, part)
		}
		kv[k] = strings.TrimSpace(v)
	}
	num := func(k string) (uint32, error) {
		v, ok := kv[k]
		if !ok {
			return 0, fmt.Errorf("%s: missing %s", kind, k)
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return 0, fmt.Errorf("%s: %s: %w", kind, k, err)
		}
		return uint32(n), nil
	}
	gid, err := num("gen_id")
	if err != nil {
		return err
	}
	sid, err := num("sig_id")
	if err != nil {
		return err
	}
	id := uint64(gid)<<32 | uint64(sid)
	switch kind {
	case "suppress":
		sp := suppression{}
		if tr, ok := kv["track"]; ok {
			if sp.track, err = parseTrack(tr); err != nil {
				return fmt.Errorf("suppress: %w", err)
			}
			ip, ok := kv["ip"]
			if !ok {
				return fmt.Errorf("suppress: track needs ip")
			}
			for _, w := range strings.Split(strings.Trim(ip, "[]"), ",") {
				w = strings.TrimSpace(w)
				p, err := netip.ParsePrefix(w)
				if err != nil {
					a, err2 := netip.ParseAddr(w)
					if err2 != nil {
						return fmt.Errorf("suppress: ip %q: %w", w, err)
					}
					p = netip.PrefixFrom(a, a.BitLen())
				}
				sp.prefixes = append(sp.prefixes, p)
			}
		}
		c.suppress[id] = append(c.suppress[id], sp)
	case "threshold", "event_filter":
		ts := &thresholdSpec{}
		switch kv["type"] {
		case "limit":
			ts.typ = thrLimit
		case "threshold":
			ts.typ = thrThreshold
		case "both":
			ts.typ = thrBoth
		default:
			return fmt.Errorf("%s: type %q: %w", kind, kv["type"], ErrUnsupported)
		}
		if ts.track, err = parseTrack(kv["track"]); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		if ts.count, err = num("count"); err != nil {
			return err
		}
		if ts.seconds, err = num("seconds"); err != nil {
			return err
		}
		c.thresholds[id] = ts
	case "rate_filter":
		return fmt.Errorf("rate_filter: %w", ErrUnsupported)
	default:
		return fmt.Errorf("unknown directive %q", kind)
	}
	return nil
}
