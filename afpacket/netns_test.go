//go:build linux

package afpacket

// The network-namespace fixture of the privileged tests lives in
// internal/testutil; these names keep the tests short.

import (
	"testing"

	"vigil/internal/testutil"
)

type testNet = testutil.TestNet

// newTestNet makes two namespaces joined by a veth pair (10.77.0.0/24,
// fd00:77::/64), removed when the test ends; it skips without privileges.
func newTestNet(t *testing.T) *testNet { return testutil.NewTestNet(t, "10.77.0") }

func requirePrivileges(t *testing.T) { testutil.RequirePrivileges(t) }

func inNetns(ns string, fn func() error) error { return testutil.InNetns(ns, fn) }
