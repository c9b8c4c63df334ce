#!/usr/bin/env python3
# Usage: scripts/tshark-agree.py VIGIL_BINARY PCAP...  (needs tshark; V=1 lists misses)
"""Agreement of Vigil's eve.json with tshark on HTTP host+URI, DNS query
names (port 53) and TLS SNI: matched / tshark count, per capture and total.

Suricata's behaviour is the reference; tshark's counts are made comparable
to what Suricata (and so Vigil) logs:
- TCP sessions whose client SYN is not in the capture are left out: with
  Suricata's default stream.midstream: false such a session is never
  reassembled, so Suricata writes no http, dns or tls record for it
  (ndpi__1kxun, ndpi__instagram and malcolm__NTLM start mid-session).
- Packets Suricata 8 does not decode are left out: GTP-U and AYIYA
  tunnels (it has no decoder for either, malcolm__Tunnels) and headers
  quoted inside ICMP errors (not a message of the flow).
- Non-ASCII bytes of a name are compared as one "?" per run on both
  sides: tshark shows invalid UTF-8 as U+FFFD and valid sequences as
  characters, Suricata writes each such byte as the text \\xNN.
- An HTTP request without a Host header counts with host "" (Suricata
  writes no hostname then).
- TLS inside an IMAP or POP3 STARTTLS session or behind a SOCKS proxy
  (malcolm__SSL) is left out: Suricata 8 has no parser that hands these
  sessions over to TLS, so it writes no tls record for them.
- One SNI per TCP session: Suricata has one tls transaction per flow, so
  a second ClientHello after a TLS 1.3 HelloRetryRequest (ndpi__reddit)
  is not a second record.
- Messages tshark marks malformed are left out (malcolm__DNS's tunnel
  traffic with a UDP length of 65535 or a query count of thousands):
  Suricata rejects the packet or the message, and logs nothing.
- DNS is counted on port 53 only: Suricata 8 logs port 5353 as mdns.
Each tshark and replay run has a time limit; a capture that exceeds it is
reported (TIMEOUT) and counted as nothing matched, never waited on
forever."""
import collections, json, os, re, subprocess, sys, tempfile

AGG = "\x1e"  # separates repeated fields; "|" occurs in URIs
LIMIT = int(os.environ.get("AGREE_TIMEOUT", "900"))  # seconds per subprocess


class Timeout(Exception):
    pass


def run(args):
    try:
        return subprocess.run(args, capture_output=True, timeout=LIMIT).stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        raise Timeout(" ".join(args[:3]))


def tshark(pcap, filt, fields):
    out = run(["tshark", "-r", pcap, "-Y", filt, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + AGG]
              + sum([["-e", f] for f in fields], []))
    return [l.split("\t") for l in out.splitlines()]


def eve(pcap, vigil):
    d = tempfile.mkdtemp(prefix="agree")
    run([vigil, "replay", "-r", pcap, "-l", d, "-k", "none", "-allow-no-rules"])
    recs = []
    with open(os.path.join(d, "eve.json"), encoding="utf-8", errors="replace") as f:
        for l in f:
            recs.append(json.loads(l))
    return recs


def collapse(s):
    return re.sub(r"\?+", "?", re.sub(r"[^\x20-\x7e]", "?", s))


def norm_tshark(s):
    return collapse(s)


def norm_eve(s):
    return collapse(re.sub(r"\\x[0-9a-fA-F]{2}", "?", s))


SKIP = re.compile(r"(^|:)(gtp|ayiya|icmp|icmpv6)(:|$)")


def decoded(protocols):
    """Whether Suricata decodes the message: no GTP-U or AYIYA on the way,
    not quoted inside an ICMP error."""
    return not SKIP.search(protocols)


def main():
    vigil = sys.argv[1]
    # A capture directory holds other files too (SOURCES.md,
    # reference-alerts.tsv): only captures are compared.
    pcaps = [p for p in sys.argv[2:] if p.endswith((".pcap", ".pcapng"))]
    tot = {k: [0, 0] for k in ("http", "dns", "sni")}
    for p in pcaps:
        try:
            recs = eve(p, vigil)
            # TCP streams with a client SYN: the ones Suricata reassembles.
            syn = {s for (s,) in tshark(p, "tcp.flags.syn==1 && tcp.flags.ack==0", ["tcp.stream"]) if s}
            http = tshark(p, "http.request && tcp && !_ws.malformed", ["frame.protocols", "tcp.stream", "http.host", "http.request.uri"])
            dns = tshark(p, "dns.flags.response==0 && (udp.port==53 || tcp.port==53) && !_ws.malformed", ["frame.protocols", "tcp.stream", "dns.qry.name"])
            wrapped = {s for (s,) in tshark(p, "imap || pop || socks", ["tcp.stream"]) if s}
            sni = tshark(p, "tls.handshake.type==1 && tcp && !_ws.malformed", ["frame.protocols", "tcp.stream", "tls.handshake.extensions_server_name"])
        except Timeout as e:
            print(os.path.basename(p), "TIMEOUT", e)
            continue
        want = {k: collections.Counter() for k in tot}
        got = {k: collections.Counter() for k in tot}
        for protos, stream, host, uri in http:
            if stream.split(AGG)[0] not in syn or not decoded(protos):
                continue
            h = host.split(AGG)[0]
            if h.startswith("["):
                h = h.split("]")[0] + "]"
            elif h.count(":") == 1:
                h = h.split(":")[0]
            want["http"][(norm_tshark(h), norm_tshark(uri.split(AGG)[0]))] += 1
        for protos, stream, names in dns:
            if stream and stream.split(AGG)[0] not in syn or not decoded(protos):
                continue
            for n in names.split(AGG) if names else []:
                want["dns"]["" if n == "<Root>" else norm_tshark(n)] += 1
        seen = set()
        for protos, stream, name in sni:
            st = stream.split(AGG)[0]
            if name and st in syn and st not in wrapped and decoded(protos) and st not in seen:
                seen.add(st)
                want["sni"][norm_tshark(name.split(AGG)[0])] += 1
        for r in recs:
            t = r.get("event_type")
            if t == "http" and "http" in r and ("hostname" in r["http"] or "url" in r["http"]):
                got["http"][(norm_eve(r["http"].get("hostname", "")), norm_eve(r["http"].get("url", "")))] += 1
            elif t == "dns" and r.get("dns", {}).get("type") in ("request", "query") and 53 in (r.get("src_port"), r.get("dest_port")):
                for q in r["dns"].get("queries", []):
                    got["dns"][norm_eve(q.get("rrname", ""))] += 1
                if "rrname" in r["dns"]:
                    got["dns"][norm_eve(r["dns"]["rrname"])] += 1
            elif t == "tls" and r.get("tls", {}).get("sni"):
                got["sni"][norm_eve(r["tls"]["sni"])] += 1
        line = []
        for k in tot:
            w = sum(want[k].values())
            m = sum(min(c, got[k][x]) for x, c in want[k].items())
            tot[k][0] += m
            tot[k][1] += w
            if w:
                line.append(f"{k} {m}/{w}")
                if m < w and os.environ.get("V"):
                    miss = want[k] - got[k]
                    line.append(f"  missing {list(miss.items())[:5]}")
        if line:
            print(os.path.basename(p), " ".join(line), flush=True)
    for k, (m, w) in tot.items():
        print(f"TOTAL {k}: {m}/{w} = {100.0*m/max(w,1):.2f}%")


main()
