package main

import (
	"fmt"
	"io"
	"path/filepath"

	"vigil/detect"
	"vigil/engine/config"
	"vigil/ruleparser"
	"vigil/rules"
)

// loadConfig reads the config (or Suricata's defaults) and applies --set
// overrides in order.
func loadConfig(path string, sets []string) (*config.Config, error) {
	cfg := config.Default()
	if path != "" {
		c, err := config.Load(path)
		if err != nil {
			return nil, err
		}
		cfg = c
	}
	for _, kv := range sets {
		k, v, err := config.ParseOverride(kv)
		if err == nil {
			err = cfg.Set(k, v)
		}
		if err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

// rulePaths returns the -S paths, or the config's rule-files.
func rulePaths(cfg *config.Config, given []string) []string {
	if len(given) > 0 {
		return given
	}
	var paths []string
	for _, f := range cfg.RuleFiles {
		if !filepath.IsAbs(f) && cfg.DefaultRulePath != "" {
			f = filepath.Join(cfg.DefaultRulePath, f)
		}
		paths = append(paths, f)
	}
	return paths
}

// loadOptions builds the rules loader's options from the config:
// variables, classification and reference files (from the config, else
// the files beside the first rule path, else built-in tables). Problems
// with those files that do not stop loading are written to warn.
func loadOptions(cfg *config.Config, paths []string, dialect ruleparser.Dialect, warn io.Writer) (rules.LoadOptions, error) {
	opts := rules.LoadOptions{
		Paths:    paths,
		Dialect:  dialect,
		Keywords: detect.Keywords(),
		Vars: rules.Vars{
			Address: cfg.Vars.AddressGroups,
			Port:    cfg.Vars.PortGroups,
			Where:   cfg.Vars.Where,
		},
	}
	classFile := cfg.ClassificationFile
	if classFile == "" {
		classFile = rules.SiblingFile(paths, "classification.config")
	}
	if classFile != "" {
		c, err := rules.LoadClassifications(classFile)
		if c == nil {
			return opts, err
		}
		if err != nil { // bad lines are skipped, as Suricata does
			fmt.Fprintf(warn, "warning: %v\n", err)
		}
		opts.Classifications = c
	}
	refFile := cfg.ReferenceConfigFile
	if refFile == "" {
		refFile = rules.SiblingFile(paths, "reference.config")
	}
	if refFile != "" {
		r, err := rules.LoadReferences(refFile)
		if r == nil {
			return opts, err
		}
		if err != nil {
			fmt.Fprintf(warn, "warning: %v\n", err)
		}
		opts.References = r
	}
	return opts, nil
}
