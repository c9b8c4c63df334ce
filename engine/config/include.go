package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Suricata-style includes. A mapping may hold an "include" key whose value
// is a file name or a list of them: each file's top-level mapping is
// merged into that mapping where the key stands, and keys after it
// override what the files set. A value tagged "!include" is replaced by
// the file's content. Relative names are relative to the directory of the
// file that names them. A key set again overrides the earlier value; two
// mappings merge key by key. Errors name the file, line and column of the
// include that failed.

// maxIncludeDepth bounds nested includes (and include cycles).
const maxIncludeDepth = 16

// expandIncludes resolves the includes of root, a mapping read from file
// name, in place. Nodes read from included files are recorded in
// c.origin for positions.
func (c *Config) expandIncludes(root *yaml.Node, name string, depth int) error {
	if root.Kind != yaml.MappingNode {
		return nil
	}
	pairs := root.Content
	root.Content = nil
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], pairs[i+1]
		if k.Value == "include" && k.Kind == yaml.ScalarNode {
			var files []*yaml.Node
			switch v.Kind {
			case yaml.ScalarNode:
				if v.Tag != "!!null" {
					files = []*yaml.Node{v}
				}
			case yaml.SequenceNode:
				files = v.Content
			default:
				return &Error{c.posIn(v, name), "include: want a file name or a list of file names"}
			}
			for _, f := range files {
				m, err := c.loadInclude(f, name, depth)
				if err != nil {
					return err
				}
				for j := 0; j+1 < len(m.Content); j += 2 {
					setKey(root, m.Content[j], m.Content[j+1])
				}
			}
			continue
		}
		if v.Tag == "!include" {
			m, err := c.loadInclude(v, name, depth)
			if err != nil {
				return err
			}
			v = m
		} else if err := c.expandIncludes(v, name, depth); err != nil {
			return err
		}
		setKey(root, k, v)
	}
	return nil
}

// loadInclude reads the file named by scalar f (found in file from) and
// returns its expanded top-level mapping.
func (c *Config) loadInclude(f *yaml.Node, from string, depth int) (*yaml.Node, error) {
	at := c.posIn(f, from)
	if f.Kind != yaml.ScalarNode || f.Value == "" {
		return nil, &Error{at, "include: want a file name"}
	}
	if depth >= maxIncludeDepth {
		return nil, &Error{at, fmt.Sprintf("include %s: more than %d nested includes (a cycle?)", f.Value, maxIncludeDepth)}
	}
	path := f.Value
	if !filepath.IsAbs(path) && from != DefaultsName {
		path = filepath.Join(filepath.Dir(from), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{at, fmt.Sprintf("include %s: %v", f.Value, err)}
	}
	if bytes.HasPrefix(data, []byte("%YAML")) {
		data = append([]byte("#"), data[1:]...)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: included here: %w", at, yamlError(path, data, err))
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode}, nil
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, &Error{Pos{path, m.Line, m.Column}, "top level is not a mapping"}
	}
	c.markOrigin(m, path)
	if err := c.expandIncludes(m, path, depth+1); err != nil {
		return nil, err
	}
	return m, nil
}

// markOrigin records that n and the nodes below it come from file path.
func (c *Config) markOrigin(n *yaml.Node, path string) {
	if c.origin == nil {
		c.origin = map[*yaml.Node]string{}
	}
	c.origin[n] = path
	for _, e := range n.Content {
		c.markOrigin(e, path)
	}
}

// posIn is the position of n, read from file name unless recorded
// otherwise.
func (c *Config) posIn(n *yaml.Node, name string) Pos {
	if f, ok := c.origin[n]; ok {
		name = f
	}
	return Pos{name, n.Line, n.Column}
}

// setKey sets key k of mapping m to v: a new key is appended; an existing
// one is overridden, or merged key by key when both values are mappings.
func setKey(m, k, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != k.Value {
			continue
		}
		old := m.Content[i+1]
		if old.Kind == yaml.MappingNode && v.Kind == yaml.MappingNode {
			for j := 0; j+1 < len(v.Content); j += 2 {
				setKey(old, v.Content[j], v.Content[j+1])
			}
			return
		}
		m.Content[i+1] = v
		return
	}
	m.Content = append(m.Content, k, v)
}
