package ruleparser

import (
	"fmt"
	"strings"
)

// ParseUintCmp parses Suricata's shared integer comparison grammar (N,
// =N, !N, <N, >N, <=N, >=N, A-B, ...) for keywords that carry a
// comparison inside a longer value, such as http2.settings.
func ParseUintCmp(v string) (UintCmp, error) { return parseUintCmp(v) }

// SplitHTTP2Settings splits an http2.settings value into the settings
// identifier and the optional comparison that follows it ("" when
// absent): "SETTINGS_ENABLE_PUSH=0", "SETTINGS_HEADER_TABLE_SIZE > 4096",
// "SETTINGS_MAX_CONCURRENT_STREAMS 42-68".
// Docs: rules/http2-keywords.html#http2-settings
func SplitHTTP2Settings(v string) (id, cmp string) {
	v = strings.TrimSpace(v)
	i := strings.IndexAny(v, " <>=!")
	if i < 0 {
		return v, ""
	}
	return v[:i], strings.TrimSpace(v[i:])
}

// CheckHTTP2Settings validates the shape of an http2.settings value: an
// identifier, optionally followed by a comparison.
func CheckHTTP2Settings(v string) error {
	id, cmp := SplitHTTP2Settings(v)
	if !isIdent(id) {
		return fmt.Errorf("bad settings identifier %q", id)
	}
	if cmp != "" {
		if _, err := parseUintCmp(cmp); err != nil {
			return err
		}
	}
	return nil
}
