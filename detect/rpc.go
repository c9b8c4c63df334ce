package detect

import (
	"encoding/binary"
	"errors"
	"strconv"
	"strings"

	"vigil/ruleparser"
)

// rpc: the ONC RPC call in the packet's payload.
// Docs: https://docs.suricata.io/en/latest/rules/payload-keywords.html#rpc
//
//	rpc:<program>[, <version>|*[, <procedure>|*]];
//
// As in Suricata 8's detect-rpc.c: the payload of a UDP packet (of a TCP
// packet, after its 4-byte record marker) must hold a call message
// (message type 0) of the program and, when given and not '*', of the
// version and procedure; a TCP payload shorter than 28 bytes or a UDP one
// shorter than 24 never matches, nor does any other protocol. The rule
// inspects packets, not the reassembled stream (Suricata's
// SIG_FLAG_REQUIRE_PACKET). Numbers are decimal, up to 10 digits.
type rpcTest struct {
	prog, vers, proc    uint32
	checkVers, checkPrc bool
}

func (r *rpcTest) match(p *Packet) bool {
	msg := p.Payload
	switch p.Proto {
	case 6:
		if len(msg) < 28 {
			return false
		}
		msg = msg[4:]
	case 17:
		if len(msg) < 24 {
			return false
		}
	default:
		return false
	}
	be := binary.BigEndian
	if be.Uint32(msg[4:]) != 0 || be.Uint32(msg[12:]) != r.prog {
		return false
	}
	if r.checkVers && be.Uint32(msg[16:]) != r.vers {
		return false
	}
	return !r.checkPrc || be.Uint32(msg[20:]) == r.proc
}

func parseRPC(args []string) (*rpcTest, error) {
	if len(args) > 3 {
		return nil, errors.New("want program[,version[,procedure]]")
	}
	num := func(s, what string) (uint32, error) {
		s = strings.TrimSpace(s)
		if s == "" || len(s) > 10 || strings.Trim(s, "0123456789") != "" {
			return 0, errors.New("bad rpc " + what + " " + strconv.Quote(s))
		}
		n, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return 0, errors.New("bad rpc " + what + " " + strconv.Quote(s))
		}
		return uint32(n), nil
	}
	r := &rpcTest{}
	var err error
	if r.prog, err = num(args[0], "program"); err != nil {
		return nil, err
	}
	if len(args) > 1 && strings.TrimSpace(args[1]) != "*" {
		if r.vers, err = num(args[1], "version"); err != nil {
			return nil, err
		}
		r.checkVers = true
	}
	if len(args) > 2 && strings.TrimSpace(args[2]) != "*" {
		if r.proc, err = num(args[2], "procedure"); err != nil {
			return nil, err
		}
		r.checkPrc = true
	}
	return r, nil
}

func checkRPC(a []string) error {
	_, err := parseRPC(a)
	return err
}

func setupRPC(b *sigBuilder, a *ruleparser.Args) error {
	r, err := parseRPC(a.Args)
	if err != nil {
		return errBadValue(err.Error())
	}
	b.sig.packetOnly = true
	b.sig.pkt = append(b.sig.pkt, r)
	return nil
}
