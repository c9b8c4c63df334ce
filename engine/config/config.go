package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed defaults.yaml
var defaultsYAML []byte

// DefaultsName is the file name errors use for the built-in defaults.
const DefaultsName = "<defaults>"

// Config is a decoded configuration. The typed fields mirror the raw tree;
// after Set they are decoded again.
type Config struct {
	// File is the path the configuration was read from (DefaultsName for
	// the built-in defaults).
	File string
	// Vars holds vars.address-groups and vars.port-groups.
	Vars Vars
	// DefaultRulePath is default-rule-path; RuleFiles (rule-files) are
	// relative to it unless absolute.
	DefaultRulePath string
	RuleFiles       []string
	// ClassificationFile, ReferenceConfigFile and ThresholdFile are
	// classification-file, reference-config-file and threshold-file;
	// empty when not set.
	ClassificationFile  string
	ReferenceConfigFile string
	ThresholdFile       string
	// DefaultLogDir is default-log-dir.
	DefaultLogDir string
	// Scoring is vigil.scoring (scoring.go).
	Scoring Scoring
	// Outputs is the outputs section and the stats section (outputs.go).
	Outputs Outputs

	root *yaml.Node // a mapping node
	// origin names the file of nodes read from included files
	// (include.go); other nodes come from File.
	origin map[*yaml.Node]string
}

// Vars are the rule variables of the configuration, by name without '$'.
type Vars struct {
	AddressGroups map[string]string
	PortGroups    map[string]string
	// Where tells where each variable was defined ("file:line:col" or
	// "--set key"), keyed "address-groups.NAME" or "port-groups.NAME".
	Where map[string]string
}

// Pos is a position in a configuration file. Line 0 means the node came
// from an override (Set) rather than a file.
type Pos struct {
	File      string
	Line, Col int
}

func (p Pos) String() string {
	if p.Line == 0 {
		return p.File
	}
	if p.Col == 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Error is a configuration error at a position.
type Error struct {
	Pos Pos
	Msg string
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// ErrConfig is the class of every *Error: errors.Is(err, ErrConfig).
var ErrConfig = errors.New("config error")

// Is reports whether target is ErrConfig.
func (e *Error) Is(target error) bool { return target == ErrConfig }

// Load reads and decodes the configuration file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Default returns the built-in configuration (Suricata 8's default
// variables plus the Snort-only ones the Snort community rules use).
func Default() *Config {
	c, err := Parse(DefaultsName, defaultsYAML)
	if err != nil {
		panic("config: bad built-in defaults: " + err.Error())
	}
	return c
}

// Parse decodes configuration text; name is used in error messages.
func Parse(name string, data []byte) (*Config, error) {
	// Suricata files start with a "%YAML 1.1" directive. It carries nothing
	// we need, so turn it into a comment (keeping line numbers) rather than
	// depend on the YAML library's view of version directives.
	if bytes.HasPrefix(data, []byte("%YAML")) {
		data = append([]byte("#"), data[1:]...)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, data, err)
	}
	c := &Config{File: name}
	switch {
	case doc.Kind == 0 || len(doc.Content) == 0:
		c.root = &yaml.Node{Kind: yaml.MappingNode}
	case doc.Content[0].Kind == yaml.MappingNode:
		c.root = doc.Content[0]
	default:
		n := doc.Content[0]
		return nil, &Error{Pos{name, n.Line, n.Column}, "top level is not a mapping"}
	}
	if err := c.expandIncludes(c.root, name, 0); err != nil {
		return nil, err
	}
	if err := c.decode(); err != nil {
		return nil, err
	}
	return c, nil
}

// yamlError turns a yaml.v3 error ("yaml: line N: msg") into an *Error at
// the bad line (and column, for a tab), see locate.
func yamlError(name string, data []byte, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	if line == 0 {
		return &Error{Pos{File: name}, msg}
	}
	line, col := locate(data, line, msg)
	if col > 0 {
		msg = "tab character in indentation (YAML indents with spaces): " + msg
	}
	return &Error{Pos{name, line, col}, msg}
}

func (c *Config) pos(n *yaml.Node) Pos {
	if n.Line == 0 {
		return Pos{File: n.HeadComment} // overrides record their origin here
	}
	return c.posIn(n, c.File)
}

// decode fills the typed fields from the raw tree.
func (c *Config) decode() error {
	c.Vars = Vars{AddressGroups: map[string]string{}, PortGroups: map[string]string{}, Where: map[string]string{}}
	c.DefaultRulePath, c.RuleFiles = "", nil
	c.ClassificationFile, c.ReferenceConfigFile, c.ThresholdFile, c.DefaultLogDir = "", "", "", ""

	if vars := c.node("vars"); vars != nil {
		if vars.Kind != yaml.MappingNode {
			return &Error{c.pos(vars), "vars: want a mapping"}
		}
		for _, g := range []struct {
			key string
			m   map[string]string
		}{{"address-groups", c.Vars.AddressGroups}, {"port-groups", c.Vars.PortGroups}} {
			n := child(vars, g.key)
			if n == nil {
				continue
			}
			if n.Kind != yaml.MappingNode {
				return &Error{c.pos(n), "vars." + g.key + ": want a mapping"}
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind != yaml.ScalarNode {
					return &Error{c.pos(v), fmt.Sprintf("vars.%s.%s: want a scalar value", g.key, k.Value)}
				}
				g.m[k.Value] = v.Value
				c.Vars.Where[g.key+"."+k.Value] = c.pos(v).String()
			}
		}
	}
	for _, s := range []struct {
		key string
		dst *string
	}{
		{"default-rule-path", &c.DefaultRulePath},
		{"classification-file", &c.ClassificationFile},
		{"reference-config-file", &c.ReferenceConfigFile},
		{"threshold-file", &c.ThresholdFile},
		{"default-log-dir", &c.DefaultLogDir},
	} {
		n := c.node(s.key)
		if n == nil {
			continue
		}
		if n.Kind != yaml.ScalarNode {
			return &Error{c.pos(n), s.key + ": want a scalar value"}
		}
		*s.dst = n.Value
	}
	if n := c.node("rule-files"); n != nil {
		switch n.Kind {
		case yaml.SequenceNode:
			for _, e := range n.Content {
				if e.Kind != yaml.ScalarNode {
					return &Error{c.pos(e), "rule-files: want a list of file names"}
				}
				c.RuleFiles = append(c.RuleFiles, e.Value)
			}
		case yaml.ScalarNode:
			if n.Tag != "!!null" && n.Value != "" {
				c.RuleFiles = []string{n.Value}
			}
		default:
			return &Error{c.pos(n), "rule-files: want a list of file names"}
		}
	}
	c.decodeOutputs()
	return c.decodeScoring()
}

func (c *Config) node(key string) *yaml.Node { return child(c.root, key) }

// child returns the value of key in mapping n, or nil.
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// walk follows a dotted path; a numeric element indexes a sequence.
func walk(n *yaml.Node, path string) *yaml.Node {
	for _, part := range strings.Split(path, ".") {
		if n == nil {
			return nil
		}
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		switch n.Kind {
		case yaml.MappingNode:
			n = child(n, part)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	if n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// Lookup returns the scalar at a dotted path such as
// "outputs.0.eve-log.filename" (numbers index lists). It reports false when
// the path does not exist or does not end at a scalar.
func (c *Config) Lookup(path string) (string, bool) {
	n := walk(c.root, path)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// Where returns the position of the node at path ("file:line:col", or the
// override that set it), or "" when the path does not exist.
func (c *Config) Where(path string) string {
	n := walk(c.root, path)
	if n == nil {
		return ""
	}
	return c.pos(n).String()
}

// ParseOverride splits a Suricata-style "key=value" override.
func ParseOverride(kv string) (key, value string, err error) {
	key, value, ok := strings.Cut(kv, "=")
	key = strings.TrimSpace(key)
	if !ok || key == "" {
		return "", "", fmt.Errorf("override %q: want key=value", kv)
	}
	return key, strings.TrimSpace(value), nil
}

// Set applies an override like Suricata's `--set key=value`: key is a dotted
// path, missing maps on the way are created, a numeric element indexes a
// list (the length of the list appends). The typed fields are then decoded
// again. After an error the Config must not be used any further.
func (c *Config) Set(key, value string) error {
	if key == "" {
		return fmt.Errorf("--set %s: empty key", key)
	}
	origin := "--set " + key
	parts := strings.Split(key, ".")
	n := c.root
	for i, part := range parts {
		if part == "" {
			return fmt.Errorf("%s: empty path element", origin)
		}
		last := i == len(parts)-1
		for n.Kind == yaml.AliasNode {
			n = n.Alias
		}
		var next *yaml.Node
		switch n.Kind {
		case yaml.SequenceNode:
			idx, err := strconv.Atoi(part)
			if err != nil || idx < 0 || idx > len(n.Content) {
				return fmt.Errorf("%s: %q is not an index of the list at %s", origin, part, c.pos(n))
			}
			if idx == len(n.Content) {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.MappingNode, HeadComment: origin})
			}
			next = n.Content[idx]
		case yaml.MappingNode:
			next = child(n, part)
			if next == nil {
				next = &yaml.Node{Kind: yaml.MappingNode, HeadComment: origin}
				n.Content = append(n.Content,
					&yaml.Node{Kind: yaml.ScalarNode, Value: part, HeadComment: origin}, next)
			}
		default:
			// A scalar on the way becomes a mapping, as in Suricata.
			*n = yaml.Node{Kind: yaml.MappingNode, HeadComment: origin}
			next = &yaml.Node{Kind: yaml.MappingNode, HeadComment: origin}
			n.Content = append(n.Content,
				&yaml.Node{Kind: yaml.ScalarNode, Value: part, HeadComment: origin}, next)
		}
		if last {
			*next = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value, HeadComment: origin}
		}
		n = next
	}
	return c.decode()
}
