package detect

import (
	"errors"
	"fmt"
	"strings"

	"vigil/ruleparser"
)

// hostbits: bits stored per host, the host-table half of xbits.
// Docs: https://docs.suricata.io/en/latest/rules/xbits.html ("no
// difference between using hostbits and xbits").
//
//	hostbits:set|unset|toggle|isset|isnotset,name[,src|dst[,...]];
//	hostbits:noalert;
//
// Semantics follow Suricata 8's detect-hostbits.c:
//   - the direction names the host: src (the default) the packet's source
//     address, dst its destination. It is the same host table, with the
//     same bit names, as xbits with track ip_src / ip_dst, so a bit set by
//     one keyword is seen by the other. "both" is refused, as Suricata
//     refuses it (not implemented there).
//   - a bit lives 300 s (packet time) from when it was set. Anything after
//     the direction (the "3600" of "hostbits:set,name,src,3600") is
//     accepted and ignored, as Suricata accepts and ignores it.
//   - isset / isnotset are tests; set / unset / toggle run once the whole
//     rule matched, like xbits and flowbits.
//
// The bits live in the XbitStore, outside the Engine, so they survive a
// reload (xbits.go).

// hostbitExpire is the fixed lifetime of a host bit, in seconds.
const hostbitExpire = 300

// checkHostbits checks the shape of a hostbits value at parse time.
func checkHostbits(a []string) error {
	_, _, err := hostbitOp(a)
	return err
}

// hostbitOp turns the arguments of a hostbits option into the xbits
// operation it performs; noalert reports the hostbits:noalert form.
func hostbitOp(a []string) (op xbitOp, noalert bool, err error) {
	cmd := a[0]
	if cmd == "noalert" {
		if len(a) > 1 {
			return op, false, errors.New("noalert takes no bit name")
		}
		return op, true, nil
	}
	if len(a) < 2 || a[1] == "" {
		return op, false, fmt.Errorf("%s needs a bit name", cmd)
	}
	if strings.ContainsAny(a[1], " \t") {
		return op, false, fmt.Errorf("bad bit name %q", a[1])
	}
	op = xbitOp{name: a[1], track: xbitIPSrc, expire: hostbitExpire * 1e9}
	switch cmd {
	case "isset":
		op.cmd = 'i'
	case "isnotset":
		op.cmd = 'n'
	case "set", "unset", "toggle":
		op.cmd = cmd[0]
	default:
		return op, false, fmt.Errorf("unknown command %q", cmd)
	}
	if len(a) > 2 {
		switch a[2] {
		case "src":
		case "dst":
			op.track = xbitIPDst
		case "both":
			return op, false, errors.New("direction both is not implemented (as in Suricata)")
		default:
			return op, false, fmt.Errorf("unknown direction %q (want src or dst)", a[2])
		}
	}
	return op, false, nil
}

func setupHostbits(b *sigBuilder, a *ruleparser.Args) error {
	op, noalert, err := hostbitOp(a.Args)
	if err != nil {
		return errBadValue(err.Error())
	}
	switch {
	case noalert:
		b.sig.NoAlert = true
	case op.cmd == 'i' || op.cmd == 'n':
		b.sig.xtest = append(b.sig.xtest, op)
	default:
		b.sig.xpost = append(b.sig.xpost, op)
	}
	return nil
}
