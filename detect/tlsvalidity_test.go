package detect

import (
	"encoding/binary"
	"testing"
	"time"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func TestValidityDates(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi, s int) int64 {
		return time.Date(y, m, d, h, mi, s, 0, time.UTC).Unix()
	}
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "2015", want: utc(2015, 1, 1, 0, 0, 0)},
		{in: "2015-05", want: utc(2015, 5, 1, 0, 0, 0)},
		{in: "2015-5-3", want: utc(2015, 5, 3, 0, 0, 0)},
		{in: "2015-05-03 10", want: utc(2015, 5, 3, 10, 0, 0)},
		{in: "2015-05-03 10:20", want: utc(2015, 5, 3, 10, 20, 0)},
		{in: "2015-05-03T10:20:30", want: utc(2015, 5, 3, 10, 20, 30)},
		{in: "1431000000", want: 1431000000},
		{in: "10:20", bad: true},
		{in: "2015/05/03", bad: true},
		{in: "", bad: true},
	} {
		got, err := parseValidityDate(tc.in)
		if tc.bad {
			if err == nil {
				t.Errorf("%q parsed as %d", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: got %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{">2015<>2016", "2016<>2015", "2015<>", "=2015", "2015 x"} {
		if _, err := parseValidity(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestValidityKeywords(t *testing.T) {
	nb := time.Date(2018, 4, 14, 20, 55, 27, 0, time.UTC).Unix()
	na := time.Date(2018, 5, 14, 20, 55, 27, 0, time.UTC).Unix()
	var v [16]byte
	binary.BigEndian.PutUint64(v[:8], uint64(nb))
	binary.BigEndian.PutUint64(v[8:], uint64(na))
	cert := mapTx{bufid.TLSCertValidity: {string(v[:])}}
	during := time.Date(2018, 5, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	after := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	for _, tc := range []struct {
		name, opts string
		ts         int64
		tx         mapTx
		want       bool
	}{
		{"notbefore equal", `tls_cert_notbefore:2018-04-14T20:55:27;`, during, cert, true},
		{"notbefore equal other", `tls_cert_notbefore:2018-04-14;`, during, cert, false},
		{"notbefore before", `tls_cert_notbefore:<2018-05;`, during, cert, true},
		{"notbefore after", `tls_cert_notbefore:>2018-05;`, during, cert, false},
		{"notafter after", `tls.cert_notafter:>2018;`, during, cert, true},
		{"notafter range", `tls_cert_notafter:2018-05-01<>2018-06-01;`, during, cert, true},
		{"notafter range outside", `tls_cert_notafter:2017<>2018-05-01;`, during, cert, false},
		{"expired no", `tls_cert_expired;`, during, cert, false},
		{"expired yes", `tls_cert_expired;`, after, cert, true},
		{"valid yes", `tls_cert_valid;`, during, cert, true},
		{"valid no", `tls.cert_valid;`, after, cert, false},
		{"no certificate", `tls_cert_valid;`, during, mapTx{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, `alert tls any any -> any any (`+tc.opts+` sid:1;)`)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v", rep.Errors)
			}
			m := newTestMatcher(t, e)
			p := tcpPacket("", false)
			p.AppProto, p.Ts = bufid.ProtoTLS, tc.ts
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
