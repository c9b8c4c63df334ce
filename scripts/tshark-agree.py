#!/usr/bin/env python3
# Usage: scripts/tshark-agree.py VIGIL_BINARY PCAP...  (needs tshark; V=1 lists misses)
"""Agreement of Vigil's eve.json with tshark on HTTP host+URI, DNS query
names (port 53) and TLS SNI: matched / tshark count, per capture and total."""
import collections, json, os, subprocess, sys, tempfile

def tshark(pcap, filt, fields):
    out = subprocess.run(["tshark", "-r", pcap, "-Y", filt, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
                         + sum([["-e", f] for f in fields], []), capture_output=True, text=True).stdout
    return [l.split("\t") for l in out.splitlines()]

def eve(pcap, vigil):
    d = tempfile.mkdtemp(prefix="agree")
    subprocess.run([vigil, "replay", "-r", pcap, "-l", d, "-k", "none", "-allow-no-rules"], capture_output=True)
    recs = []
    with open(os.path.join(d, "eve.json")) as f:
        for l in f:
            recs.append(json.loads(l))
    return recs

def main():
    vigil, pcaps = sys.argv[1], sys.argv[2:]
    tot = {k: [0, 0] for k in ("http", "dns", "sni")}
    for p in pcaps:
        recs = eve(p, vigil)
        want = {k: collections.Counter() for k in tot}
        got = {k: collections.Counter() for k in tot}
        for host, uri in tshark(p, "http.request && tcp", ["http.host", "http.request.uri"]):
            h = host.split("|")[0]
            if h.startswith("["):
                h = h.split("]")[0] + "]"
            elif h.count(":") == 1:
                h = h.split(":")[0]
            want["http"][(h, uri.split("|")[0])] += 1
        for (names,) in tshark(p, "dns.flags.response==0 && (udp.port==53 || tcp.port==53)", ["dns.qry.name"]):
            for n in names.split("|") if names else []:
                want["dns"]["" if n == "<Root>" else n] += 1
        for (sni,) in tshark(p, "tls.handshake.type==1 && tcp", ["tls.handshake.extensions_server_name"]):
            if sni:
                want["sni"][sni.split("|")[0]] += 1
        for r in recs:
            t = r.get("event_type")
            if t == "http" and "http" in r and "hostname" in r["http"]:
                got["http"][(r["http"].get("hostname", ""), r["http"].get("url", ""))] += 1
            elif t == "dns" and r.get("dns", {}).get("type") in ("request", "query") and 53 in (r.get("src_port"), r.get("dest_port")):
                for q in r["dns"].get("queries", []):
                    got["dns"][q.get("rrname", "")] += 1
                if "rrname" in r["dns"]:
                    got["dns"][r["dns"]["rrname"]] += 1
            elif t == "tls" and r.get("tls", {}).get("sni"):
                got["sni"][r["tls"]["sni"]] += 1
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
            print(os.path.basename(p), " ".join(line))
    for k, (m, w) in tot.items():
        print(f"TOTAL {k}: {m}/{w} = {100.0*m/max(w,1):.2f}%")

main()
