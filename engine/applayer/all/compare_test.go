package all

// Differential test against tshark (and optionally Suricata's EVE output):
// per field, the multiset of values our parsers extract over every shared
// capture is compared with the reference's. Slow (one tshark run per
// capture), so it runs only with VIGIL_APPLAYER_COMPARE=1. With
// VIGIL_SURICATA_EVE=DIR it also reads DIR/<capture>/eve.json (Suricata run
// with ja3/ja4 enabled) and compares the EVE http/tls/ssh fields.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"vigil/engine/applayer"
	"vigil/engine/applayer/ssh"
	eveout "vigil/output/eve"
)

type values map[string][]string // field -> values (multiset)

func (v values) add(field, val string) {
	if val != "" {
		v[field] = append(v[field], val)
	}
}

var tsharkFields = []string{
	"http.request.method", "http.host", "http.request.uri", "http.user_agent", "http.response.code",
	"dns.flags.response", "dns.qry.name", "tls.handshake.type", "tls.handshake.extensions_server_name",
	"tls.handshake.ja3", "tls.handshake.ja3s", "ssh.protocol",
}

// DNS inside ICMP errors (a quoted datagram) is not a transaction for
// Vigil or Suricata; tshark dissects it, so it is left out here.
const tsharkFilter = "(tcp and (http.request or http.response)) or ((udp.port==53 or tcp.port==53) and dns and not icmp and not icmpv6) or " +
	"tls.handshake.type==1 or tls.handshake.type==2 or ssh.protocol"

func tsharkValues(t *testing.T, path string) values {
	t.Helper()
	args := []string{"-r", path, "-n", "-Y", tsharkFilter, "-T", "fields", "-E", "separator=\t",
		"-E", "occurrence=a", "-E", "aggregator=\x1f"}
	for _, f := range tsharkFields {
		args = append(args, "-e", f)
	}
	out, err := exec.Command("tshark", args...).Output()
	if err != nil {
		t.Logf("tshark %s: %v", filepath.Base(path), err)
	}
	v := values{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		for len(cols) < len(tsharkFields) {
			cols = append(cols, "")
		}
		split := func(i int) []string {
			if cols[i] == "" {
				return nil
			}
			return strings.Split(cols[i], "\x1f")
		}
		methods, hosts, uris := split(0), split(1), split(2)
		for i, m := range methods {
			h, u := "", ""
			if i < len(hosts) {
				h = hosts[i]
			}
			if i < len(uris) {
				u = uris[i]
			}
			v.add("http.request", m+" "+h+" "+u)
		}
		for _, ua := range split(3) {
			v.add("http.user_agent", ua)
		}
		for _, c := range split(4) {
			v.add("http.stat_code", c)
		}
		resp := split(5)
		if len(resp) > 0 && (resp[0] == "0" || resp[0] == "False") {
			for _, n := range split(6) {
				if n == "<Root>" {
					n = ""
				}
				v.add("dns.query", n)
			}
		}
		types := split(7)
		for _, ty := range types {
			if ty == "1" {
				for _, s := range split(8) {
					v.add("tls.sni", s)
				}
				for _, s := range split(9) {
					v.add("ja3.hash", s)
				}
			}
			if ty == "2" {
				for _, s := range split(10) {
					v.add("ja3s.hash", s)
				}
			}
		}
		for _, s := range split(11) {
			v.add("ssh.banner", s)
		}
	}
	return v
}

func ourValues(res result) (tsh, eve values) {
	tsh, eve = values{}, values{}
	for _, tx := range res.http {
		if tx.Req.Method != nil {
			tsh.add("http.request", fmt.Sprintf("%s %s %s", tx.Req.Method, tx.Req.Get("Host"), tx.Req.URI))
		}
		tsh.add("http.user_agent", string(tx.Req.Get("User-Agent")))
		tsh.add("http.stat_code", string(tx.Resp.Status))
		var r eveout.Record
		tx.FillEVE(&r, applayer.ToClient)
		h := r.HTTP
		eve.add("http.hostname", string(h.Hostname))
		eve.add("http.url", string(h.URL))
		eve.add("http.http_user_agent", string(h.UserAgent))
		eve.add("http.http_method", string(h.Method))
		eve.add("http.protocol", string(h.Protocol))
		if h.Status != 0 {
			eve.add("http.status", strconv.Itoa(int(h.Status)))
		}
		eve.add("http.http_content_type", string(h.ContentType))
		eve.add("http.redirect", string(h.Redirect))
		if len(h.Method) > 0 && h.Status != 0 {
			eve.add("http.length", strconv.FormatUint(h.Length, 10))
		}
	}
	for _, tx := range res.dns {
		if tx.Request != nil {
			for _, q := range tx.Request.Questions {
				tsh.add("dns.query", displayUTF8(q.Name))
			}
		}
	}
	for _, tx := range res.tls {
		if tx.HasClientHello {
			tsh.add("tls.sni", string(tx.Client.SNI))
			_, h := tx.JA3()
			tsh.add("ja3.hash", string(h))
		}
		if tx.HasServerHello {
			_, h := tx.JA3S()
			tsh.add("ja3s.hash", string(h))
		}
		var r eveout.Record
		tx.FillEVE(&r, applayer.ToClient)
		e := r.TLS
		eve.add("tls.sni", string(e.SNI))
		eve.add("tls.version", e.Version)
		eve.add("tls.subject", string(e.Subject))
		eve.add("tls.issuerdn", string(e.IssuerDN))
		eve.add("tls.serial", string(e.Serial))
		eve.add("tls.fingerprint", string(e.Fingerprint))
		if !e.NotBefore.IsZero() {
			eve.add("tls.notbefore", e.NotBefore.Format("2006-01-02T15:04:05"))
			eve.add("tls.notafter", e.NotAfter.Format("2006-01-02T15:04:05"))
		}
		eve.add("tls.ja3.hash", string(e.JA3.Hash))
		eve.add("tls.ja3.string", string(e.JA3.String))
		eve.add("tls.ja3s.hash", string(e.JA3S.Hash))
		eve.add("tls.ja4", string(e.JA4))
	}
	for _, tx := range res.ssh {
		for _, ep := range []struct {
			name string
			e    *ssh.Endpoint
		}{{"client", &tx.Client}, {"server", &tx.Server}} {
			if ep.e.ProtoVersion != nil {
				b := "SSH-" + string(ep.e.ProtoVersion) + "-" + string(ep.e.SoftwareVersion)
				if len(ep.e.Comments) > 0 {
					b += " " + string(ep.e.Comments)
				}
				tsh.add("ssh.banner", b)
			}
			eve.add("ssh."+ep.name+".proto_version", string(ep.e.ProtoVersion))
			eve.add("ssh."+ep.name+".software_version", string(ep.e.SoftwareVersion))
			eve.add("ssh."+ep.name+".hassh.hash", string(ep.e.HASSH))
		}
	}
	return tsh, eve
}

// suricataValues reads the http, tls and ssh records of an eve.json.
func suricataValues(t *testing.T, path string) values {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Logf("suricata eve: %v", err)
		return nil
	}
	v := values{}
	str := func(m map[string]any, k string) string {
		switch x := m[k].(type) {
		case string:
			return x
		case float64:
			return strconv.FormatInt(int64(x), 10)
		case map[string]any:
			if h, ok := x["hash"].(string); ok {
				return h
			}
		}
		return ""
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var rec map[string]any
		if json.Unmarshal(line, &rec) != nil {
			continue
		}
		switch rec["event_type"] {
		case "http":
			h, _ := rec["http"].(map[string]any)
			for _, k := range []string{"hostname", "url", "http_user_agent", "http_method", "protocol", "status",
				"http_content_type", "redirect"} {
				v.add("http."+k, str(h, k))
			}
			if str(h, "http_method") != "" && str(h, "status") != "" {
				v.add("http.length", str(h, "length"))
			}
		case "tls":
			h, _ := rec["tls"].(map[string]any)
			for _, k := range []string{"sni", "version", "subject", "issuerdn", "serial", "fingerprint", "notbefore",
				"notafter", "ja4"} {
				v.add("tls."+k, str(h, k))
			}
			for _, k := range []string{"ja3", "ja3s"} {
				if m, ok := h[k].(map[string]any); ok {
					v.add("tls."+k+".hash", str(m, "hash"))
					if k == "ja3" {
						v.add("tls.ja3.string", str(m, "string"))
					}
				}
			}
		case "ssh":
			h, _ := rec["ssh"].(map[string]any)
			for _, side := range []string{"client", "server"} {
				m, _ := h[side].(map[string]any)
				v.add("ssh."+side+".proto_version", str(m, "proto_version"))
				v.add("ssh."+side+".software_version", str(m, "software_version"))
				if hm, ok := m["hassh"].(map[string]any); ok {
					v.add("ssh."+side+".hassh.hash", str(hm, "hash"))
				}
			}
		}
	}
	return v
}

type tally struct {
	match, ours, ref  int
	onlyOurs, onlyRef []string
}

// compare adds the multiset intersection of ours and ref per field to tl.
func compare(tl map[string]*tally, file string, ours, ref values) {
	fields := map[string]bool{}
	for f := range ours {
		fields[f] = true
	}
	for f := range ref {
		fields[f] = true
	}
	for f := range fields {
		t := tl[f]
		if t == nil {
			t = &tally{}
			tl[f] = t
		}
		count := map[string]int{}
		for _, x := range ref[f] {
			count[x]++
		}
		m := 0
		var onlyOurs []string
		for _, x := range ours[f] {
			if count[x] > 0 {
				count[x]--
				m++
			} else {
				onlyOurs = append(onlyOurs, x)
			}
		}
		t.match += m
		t.ours += len(ours[f])
		t.ref += len(ref[f])
		for x, n := range count {
			if n > 0 && len(t.onlyRef) < 6 {
				t.onlyRef = append(t.onlyRef, fmt.Sprintf("%s: %q x%d", filepath.Base(file), trunc(x), n))
			}
		}
		for _, x := range onlyOurs {
			if len(t.onlyOurs) < 6 {
				t.onlyOurs = append(t.onlyOurs, fmt.Sprintf("%s: %q", filepath.Base(file), trunc(x)))
			}
		}
	}
}

func trunc(s string) string {
	if len(s) > 90 {
		return s[:90] + "..."
	}
	return s
}

func report(t *testing.T, name string, tl map[string]*tally, min float64) {
	t.Helper()
	keys := make([]string, 0, len(tl))
	for k := range tl {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("== agreement with %s: matched / max(ours, reference), and recall = matched / reference ==", name)
	for _, k := range keys {
		x := tl[k]
		den := max(x.ours, x.ref)
		pct := 100.0
		if den > 0 {
			pct = 100 * float64(x.match) / float64(den)
		}
		recall := 100.0
		if x.ref > 0 {
			recall = 100 * float64(x.match) / float64(x.ref)
		}
		t.Logf("%-30s %6.2f%%  recall %6.2f%%  matched %6d  ours %6d  ref %6d", k, pct, recall, x.match, x.ours, x.ref)
		for _, s := range x.onlyRef {
			t.Logf("    only in %s: %s", name, s)
		}
		for _, s := range x.onlyOurs {
			t.Logf("    only ours:    %s", s)
		}
		// We may see more than the reference (detection by content on
		// non-standard ports), so the bar is on recall.
		if x.ref >= 20 && recall < min {
			t.Errorf("%s: %s recall %.2f%% below %.0f%%", name, k, recall, min)
		}
	}
}

func TestCompareWithReferences(t *testing.T) {
	if os.Getenv("VIGIL_APPLAYER_COMPARE") == "" {
		t.Skip("set VIGIL_APPLAYER_COMPARE=1 (slow: runs tshark on every capture)")
	}
	if _, err := exec.LookPath("tshark"); err != nil {
		t.Skip("tshark not installed")
	}
	eveDir := os.Getenv("VIGIL_SURICATA_EVE")
	tsh, suri := map[string]*tally{}, map[string]*tally{}
	protos := map[applayer.Proto]int{}
	for _, path := range captures(t) {
		res := runCapture(t, path)
		for p, n := range res.protos {
			protos[p] += n
		}
		ours, oursEVE := ourValues(res)
		compare(tsh, path, ours, tsharkValues(t, path))
		if eveDir != "" {
			if ref := suricataValues(t, filepath.Join(eveDir, filepath.Base(path), "eve.json")); ref != nil {
				compare(suri, path, oursEVE, ref)
			}
		}
	}
	t.Logf("detected TCP flows per protocol: %v", protos)
	report(t, "tshark", tsh, 90)
	if eveDir != "" {
		report(t, "suricata", suri, 80)
	}
}

// displayUTF8 renders a name as tshark displays it: every byte that is not
// part of valid UTF-8 becomes U+FFFD. DNS tunnels put raw binary in query
// names, and the comparison is about the bytes parsed, not their display.
func displayUTF8(b []byte) string {
	var sb strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(utf8.RuneError)
			b = b[1:]
			continue
		}
		sb.Write(b[:n])
		b = b[n:]
	}
	return sb.String()
}
