//go:build linux

package engine

import (
	"fmt"

	"vigil/afpacket"
	"vigil/bpf"
)

// loadLiveFilter loads the eBPF socket filter and fills its exclude maps
// from opts.
func loadLiveFilter(opts LiveOptions) (*bpf.Filter, error) {
	f, err := bpf.Load(bpf.Options{})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*bpf.Filter, error) {
		f.Close()
		return nil, fmt.Errorf("configure socket filter: %w", err)
	}
	for _, p := range opts.Excludes {
		if err := f.AddExclude(p); err != nil {
			return fail(err)
		}
	}
	for _, p := range opts.ExcludePorts {
		if err := f.AddExcludePort(p); err != nil {
			return fail(err)
		}
	}
	if opts.IncludeOnly {
		if err := f.SetIncludeOnly(true); err != nil {
			return fail(err)
		}
	}
	if opts.Resample > 0 {
		if err := f.SetResample(opts.Resample); err != nil {
			return fail(err)
		}
	}
	return f, nil
}

// openLiveSource opens n fanout rings on iface, with filter f when loaded.
func openLiveSource(iface string, n int, opts LiveOptions, f *bpf.Filter) (*afpacket.Source, error) {
	o := afpacket.DefaultOptions(iface)
	o.FanoutType = opts.Fanout
	o.Defrag = opts.Fanout == afpacket.FanoutHash && !opts.NoDefrag
	o.Promisc = opts.Promisc
	o.BPFFilter = opts.BPFFilter
	if opts.BlockSize > 0 {
		o.BlockSize = opts.BlockSize
	}
	if opts.NumBlocks > 0 {
		o.NumBlocks = opts.NumBlocks
	}
	if f != nil {
		o.ProgramFD = f.FD()
	}
	return afpacket.Open(o, n)
}
