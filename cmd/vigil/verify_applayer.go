package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// appLayerSets turns the app-layer section of a test's suricata.yaml
// (app-layer.protocols.<proto>.enabled: yes, ...) into --set arguments
// for replay, which applies the settings it supports and refuses the
// others.
func appLayerSets(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var top struct {
		AppLayer any `yaml:"app-layer"`
	}
	if err := yaml.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("test's suricata.yaml: %w", err)
	}
	var sets []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(prefix+"."+k, x[k])
			}
		case []any:
			// A list (extract-urls-schemes: [http, https]) is one value.
			items := make([]string, len(x))
			for i, e := range x {
				items[i] = fmt.Sprint(e)
			}
			sets = append(sets, "--set", fmt.Sprintf("%s=[%s]", prefix, strings.Join(items, ", ")))
		case bool:
			sets = append(sets, "--set", fmt.Sprintf("%s=%v", prefix, map[bool]string{true: "yes", false: "no"}[x]))
		case nil:
		default:
			sets = append(sets, "--set", fmt.Sprintf("%s=%v", prefix, x))
		}
	}
	walk("app-layer", top.AppLayer)
	return sets, nil
}
