// Package shape is the verdict stage's shaping hook: a mark verdict sets
// the conntrack mark of its flow (github.com/ti-mo/conntrack), and the
// nftables and tc snippets in deploy/shaping turn that mark into a DSCP
// value and a tc class on the box that forwards the traffic.
//
// The flow is found by its original-direction tuple (client to server as
// Vigil saw it on the capture interface). Only TCP, UDP and SCTP flows
// are marked (ICMP conntrack entries have no ports to match). A flow the
// kernel no longer tracks is counted as a failed verdict, not retried.
//
// This only works where Vigil runs on the router itself. A sensor on a
// SPAN port sees copies of packets and has no conntrack entry to mark: it
// uses the exec or webhook hook (verdict/hook) to tell the device that
// forwards. Needs CAP_NET_ADMIN.
package shape
