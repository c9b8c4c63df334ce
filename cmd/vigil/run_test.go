package main

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigil/engine"
)

func TestApplyRunSettings(t *testing.T) {
	tests := []struct {
		name    string
		sets    []string
		want    engine.LiveOptions
		depth   int64
		wantErr string
	}{
		{name: "exclude and ports", sets: []string{"vigil.capture.exclude=10.0.0.0/8, 192.168.1.7", "vigil.capture.exclude=fd00::/8",
			"vigil.capture.exclude-ports=22,443"},
			want: engine.LiveOptions{Excludes: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"),
				netip.MustParsePrefix("192.168.1.7/32"), netip.MustParsePrefix("fd00::/8")}, ExcludePorts: []uint16{22, 443}}},
		{name: "include only", sets: []string{"vigil.capture.include-only=10.1.2.0/24"},
			want: engine.LiveOptions{Excludes: []netip.Prefix{netip.MustParsePrefix("10.1.2.0/24")}, IncludeOnly: true}},
		{name: "bypass", sets: []string{"stream.bypass=yes", "app-layer.protocols.tls.encryption-handling=bypass",
			"vigil.capture.bypass-ttl=30s", "vigil.capture.resample=100", "stream.reassembly.depth=4kb"},
			want:  engine.LiveOptions{Bypass: true, BypassEncrypted: true, BypassTTL: 30 * time.Second, Resample: 100},
			depth: 4096},
		{name: "no ebpf", sets: []string{"vigil.capture.ebpf=no"}, want: engine.LiveOptions{NoEBPF: true}},
		{name: "mixed sets", sets: []string{"vigil.capture.exclude=10.0.0.0/8", "vigil.capture.include-only=10.1.0.0/16"},
			wantErr: "cannot be combined"},
		{name: "bad cidr", sets: []string{"vigil.capture.exclude=10.0.0.0/33"}, wantErr: `bad CIDR "10.0.0.0/33"`},
		{name: "bad port", sets: []string{"vigil.capture.exclude-ports=0"}, wantErr: `bad port "0"`},
		{name: "bad encryption handling", sets: []string{"app-layer.protocols.tls.encryption-handling=drop"}, wantErr: "want default, bypass or full"},
		{name: "unknown key", sets: []string{"vigil.capture.excludes=10.0.0.0/8"}, wantErr: "unknown or unsupported setting"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ec engine.Config
			var lo engine.LiveOptions
			err := applyRunSettings(&ec, &lo, tt.sets)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, lo, cmpopts.IgnoreFields(engine.LiveOptions{}, "Ready", "Tap", "Log"),
				cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("LiveOptions (-want +got):\n%s", diff)
			}
			if ec.Stream.Depth != tt.depth {
				t.Errorf("stream depth %d; want %d", ec.Stream.Depth, tt.depth)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "no interface"},
		{[]string{"-i", "lo", "--fanout", "rr"}, "unknown fanout type"},
		{[]string{"-i", "lo", "-k", "some"}, "want all, none or auto"},
		{[]string{"-i", "lo", "-f", "tcp port", "-l", "LOGDIR", "--allow-no-rules"}, `compile filter "tcp port"`},
	} {
		var out, errb strings.Builder
		args := tt.args
		for i, a := range args {
			if a == "LOGDIR" {
				args[i] = t.TempDir()
			}
		}
		rc := cmdRun(args, &out, &errb)
		if rc == 0 || !strings.Contains(errb.String(), tt.want) {
			t.Errorf("vigil run %v: rc %d, stderr %q; want non-zero and %q", tt.args, rc, errb.String(), tt.want)
		}
	}
}
