package detect

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"vigil/detect/mpm"
	"vigil/ruleparser"
	"vigil/rules"
)

// TestKeywordTable keeps the table sorted by name, its spellings
// (names and aliases) unique and every entry complete.
func TestKeywordTable(t *testing.T) {
	seen := map[string]string{}
	for i, e := range table {
		if i > 0 && table[i-1].Name >= e.Name {
			t.Errorf("table not sorted: %q before %q", table[i-1].Name, e.Name)
		}
		if e.Parse == nil && e.Mod == nil {
			t.Errorf("%s: no parser", e.Name)
		}
		if e.Parse == nil && e.compile != nil {
			t.Errorf("%s: a compile step but no parser", e.Name)
		}
		if !strings.HasPrefix(e.Doc, "https://") {
			t.Errorf("%s: no doc URL", e.Name)
		}
		for _, n := range append([]string{e.Name}, e.Aliases...) {
			if other, dup := seen[n]; dup {
				t.Errorf("spelling %q in %s and %s", n, other, e.Name)
			}
			seen[n] = e.Name
		}
		for _, l := range e.Legacy {
			if !slices.Contains(e.Aliases, l) {
				t.Errorf("%s: legacy spelling %q is not an alias", e.Name, l)
			}
		}
	}
	k := Keywords()
	for n, canon := range seen {
		got, ok := k.Lookup(n)
		if !ok || got.Name != canon {
			t.Errorf("Lookup(%q) = %v, %v; want %s", n, got, ok, canon)
		}
	}
}

// keywordSamples holds, for every keyword of the table, options that use
// it in a rule (sid is added). TestEveryKeyword fails for a keyword
// without a sample, so a new keyword needs one.
var keywordSamples = map[string]string{
	"absent":                          `http.uri; absent;`,
	"ack":                             `ack:>1;`,
	"alert":                           `alert;`,
	"app-layer-event":                 `http|app-layer-event:http.request_auth_unrecognized;`,
	"app-layer-protocol":              `app-layer-protocol:http;`,
	"asn1":                            `asn1:bitstring_overflow;`,
	"base64_data":                     `content:"a"; base64_decode; base64_data; content:"b";`,
	"base64_decode":                   `content:"a"; base64_decode:bytes 10,offset 1,relative;`,
	"ber_data":                        `ber_data:0x30;`,
	"ber_skip":                        `ber_skip:0x02;`,
	"bsize":                           `bsize:>1;`,
	"bypass":                          `bypass;`,
	"bufferlen":                       `http.uri; bufferlen:>10;`,
	"byte_extract":                    `byte_extract:2,0,len; byte_test:2,>,len,2;`,
	"byte_jump":                       `byte_jump:2,0,relative;`,
	"byte_math":                       `byte_math:bytes 2,offset 0,oper +,rvalue 1,result v;`,
	"byte_test":                       `byte_test:2,!=,10,0;`,
	"cip_service":                     `cip_service:1;`,
	"classtype":                       `classtype:trojan-activity;`,
	"compress_whitespace":             `http.uri; compress_whitespace; content:"a";`,
	"content":                         `content:"a";`,
	"dce_iface":                       `dce_iface:4b324fc8-1670-01d3-1278-5a47bf6ee188;`,
	"dce_opnum":                       `dce_opnum:15;`,
	"dce_stub_data":                   `dce_stub_data; content:"a";`,
	"decode-event":                    `decode-event:ipv4.trunc_pkt;`,
	"depth":                           `content:"a"; depth:4;`,
	"detection_filter":                `detection_filter:track by_src,count 5,seconds 60;`,
	"distance":                        `content:"a"; content:"b"; distance:1;`,
	"dnp3_data":                       `dnp3_data; content:"a";`,
	"dnp3_func":                       `dnp3_func:read;`,
	"dnp3_ind":                        `dnp3_ind:device_restart;`,
	"dnp3_obj":                        `dnp3_obj:1,2;`,
	"modbus":                          `modbus: function 1;`,
	"dhcp.leasetime":                  `dhcp|dhcp.leasetime:>3600;`,
	"dhcp.rebinding_time":             `dhcp|dhcp.rebinding_time:1000-2000;`,
	"dhcp.renewal_time":               `dhcp|dhcp.renewal_time:1800;`,
	"dns.additionals.rrname":          `dns.additionals.rrname; content:"a";`,
	"dns.answers.rrname":              `dns.answers.rrname; content:"a";`,
	"dns.authorities.rrname":          `dns.authorities.rrname; content:"a";`,
	"dns.opcode":                      `dns.opcode:>1;`,
	"dns.queries.rrname":              `dns.queries.rrname; content:"a";`,
	"dns.query":                       `dns.query; content:"a";`,
	"dns.rcode":                       `dns.rcode:>1;`,
	"dns.response.rrname":             `dns.response.rrname; content:"a";`,
	"dns.rrtype":                      `dns.rrtype:>1;`,
	"domain":                          `http.uri; domain; content:"a";`,
	"dotprefix":                       `http.uri; dotprefix; content:"a";`,
	"dsize":                           `dsize:>1;`,
	"email.cc":                        `email.cc; content:"a";`,
	"email.date":                      `email.date; content:"a";`,
	"email.from":                      `email.from; content:"a";`,
	"email.message_id":                `email.message_id; content:"a";`,
	"email.received":                  `email.received; content:"a";`,
	"email.subject":                   `email.subject; content:"a";`,
	"email.to":                        `email.to; content:"a";`,
	"email.x_mailer":                  `email.x_mailer; content:"a";`,
	"endswith":                        `content:"a"; endswith;`,
	"enip.capabilities":               `enip.capabilities:>1;`,
	"enip.cip_attribute":              `enip.cip_attribute:1;`,
	"enip.cip_class":                  `enip.cip_class:>1;`,
	"enip.cip_extendedstatus":         `enip.cip_extendedstatus:1;`,
	"enip.cip_instance":               `enip.cip_instance:1;`,
	"enip.cip_status":                 `enip.cip_status:1;`,
	"enip.device_type":                `enip.device_type:1;`,
	"enip.identity_status":            `enip.identity_status:1;`,
	"enip.product_code":               `enip.product_code:1;`,
	"enip.product_name":               `enip.product_name; content:"a";`,
	"enip.protocol_version":           `enip.protocol_version:>1;`,
	"enip.revision":                   `enip.revision:1;`,
	"enip.serial":                     `enip.serial:1;`,
	"enip.service_name":               `enip.service_name; content:"a";`,
	"enip.state":                      `enip.state:1;`,
	"enip.status":                     `enip.status:invalid_cmd;`,
	"enip.vendor_id":                  `enip.vendor_id:1;`,
	"enip_command":                    `enip_command:99;`,
	"fast_pattern":                    `content:"a"; fast_pattern;`,
	"file.data":                       `file.data; content:"a";`,
	"file.name":                       `file.name; content:"a";`,
	"fileext":                         `fileext:"exe";`,
	"filemagic":                       `filemagic:"PE32";`,
	"filemd5":                         `filemd5:hashes.md5;`,
	"filename":                        `filename:"a.exe";`,
	"filesha1":                        `filesha1:hashes.sha1;`,
	"filesha256":                      `filesha256:hashes.sha256;`,
	"filesize":                        `filesize:>1;`,
	"filestore":                       `filestore;`,
	"flags":                           `flags:S,12;`,
	"flow":                            `flow:established,to_server;`,
	"flow.age":                        `flow.age:>1;`,
	"flow.bytes":                      `flow.bytes:toserver,>10;`,
	"flow.pkts":                       `flow.pkts:either,<5;`,
	"flow.pkts_toserver":              `flow.pkts_toserver:>3;`,
	"flow.pkts_toclient":              `flow.pkts_toclient:3-9;`,
	"flow.bytes_toserver":             `flow.bytes_toserver:<100;`,
	"flow.bytes_toclient":             `flow.bytes_toclient:>=100;`,
	"ipv4-csum":                       `ipv4-csum:valid;`,
	"tcpv4-csum":                      `tcpv4-csum:invalid;`,
	"tcpv6-csum":                      `tcpv6-csum:"valid";`,
	"udpv4-csum":                      `udp|udpv4-csum:valid;`,
	"udpv6-csum":                      `udp|udpv6-csum:invalid;`,
	"icmpv4-csum":                     `icmp|icmpv4-csum:valid;`,
	"icmpv6-csum":                     `icmp|icmpv6-csum:valid;`,
	"l3_proto":                        `l3_proto:ipv6;`,
	"tcp.wscale":                      `tcp.wscale:>=7;`,
	"flowbits":                        `flowbits:set,x;`,
	"flowint":                         `flowint:c,+,1;`,
	"entropy":                         `content:"a"; entropy:bytes 4,offset 1,value >= 6.5;`,
	"flowvar":                         `flowvar:ua,"Mozilla";`,
	"fragbits":                        `fragbits:D;`,
	"fragoffset":                      `fragoffset:>1;`,
	"from_base64":                     `http.uri; from_base64;`,
	"ftp.command":                     `ftp.command; content:"a";`,
	"ftp.command_data":                `ftp.command_data; content:"a";`,
	"ftp.completion_code":             `ftp.completion_code; content:"a";`,
	"ftp.dynamic_port":                `ftp.dynamic_port:>1;`,
	"ftp.mode":                        `ftp.mode:active;`,
	"ftp.reply":                       `ftp.reply; content:"a";`,
	"ftp.reply_received":              `ftp.reply_received:yes;`,
	"ftpbounce":                       `ftpbounce;`,
	"ftpdata_command":                 `ftpdata_command:retr;`,
	"gid":                             `gid:1;`,
	"gunzip":                          `http.uri; gunzip:max-size 2kb; content:"a";`,
	"header_lowercase":                `http.uri; header_lowercase; content:"a";`,
	"hostbits":                        `hostbits:set,x,dst;`,
	"http.accept":                     `http.accept; content:"a";`,
	"http.accept_enc":                 `http.accept_enc; content:"a";`,
	"http.accept_lang":                `http.accept_lang; content:"a";`,
	"http.connection":                 `http.connection; content:"a";`,
	"http.content_len":                `http.content_len; content:"a";`,
	"http.content_type":               `http.content_type; content:"a";`,
	"http.cookie":                     `http.cookie; content:"a";`,
	"http.cookie.raw":                 `http.cookie.raw; content:"a";`,
	"http.header":                     `http.header; content:"a";`,
	"http.header.raw":                 `http.header.raw; content:"a";`,
	"http.header_names":               `http.header_names; content:"a";`,
	"http.host":                       `http.host; content:"a";`,
	"http.host.raw":                   `http.host.raw; content:"a";`,
	"http.location":                   `http.location; content:"a";`,
	"http.method":                     `http.method; content:"a";`,
	"http.protocol":                   `http.protocol; content:"a";`,
	"http.referer":                    `http.referer; content:"a";`,
	"http.request_body":               `http.request_body; content:"a";`,
	"http.request_header":             `http.request_header; content:"a";`,
	"http.request_line":               `http.request_line; content:"a";`,
	"http.response_body":              `http.response_body; content:"a";`,
	"http.response_header":            `http.response_header; content:"a";`,
	"http.response_line":              `http.response_line; content:"a";`,
	"http.server":                     `http.server; content:"a";`,
	"http.start":                      `http.start; content:"a";`,
	"http.stat_code":                  `http.stat_code; content:"a";`,
	"http.stat_msg":                   `http.stat_msg; content:"a";`,
	"http.uri":                        `http.uri; content:"a";`,
	"http.uri.raw":                    `http.uri.raw; content:"a";`,
	"http.user_agent":                 `http.user_agent; content:"a";`,
	"http2.errorcode":                 `http2.errorcode:NO_ERROR;`,
	"http2.frametype":                 `http2.frametype:DATA;`,
	"http2.header_name":               `http2.header_name; content:"a";`,
	"http2.priority":                  `http2.priority:>1;`,
	"http2.settings":                  `http2.settings:SETTINGS_ENABLE_PUSH=0;`,
	"http2.size_update":               `http2.size_update:>1;`,
	"http2.window":                    `http2.window:>1;`,
	"http_param":                      `http_param:"id",nocase; content:"a";`,
	"icmp_id":                         `icmp_id:>1;`,
	"icmp_seq":                        `icmp_seq:>1;`,
	"icmpv4.hdr":                      `icmpv4.hdr; content:"a";`,
	"icmpv6.hdr":                      `icmpv6.hdr; content:"a";`,
	"icmpv6.mtu":                      `icmpv6.mtu:>1;`,
	"icode":                           `icode:>1;`,
	"id":                              `id:>1;`,
	"quic.cyu.hash":                   `udp|quic.cyu.hash; content:"a";`,
	"quic.cyu.string":                 `udp|quic.cyu.string; content:"a";`,
	"quic.sni":                        `udp|quic.sni; content:"a";`,
	"quic.ua":                         `udp|quic.ua; content:"a";`,
	"quic.version":                    `udp|quic.version; content:"a";`,
	"ike.chosen_sa_attribute":         `udp|ike.chosen_sa_attribute:alg_hash=2;`,
	"ike.exchtype":                    `udp|ike.exchtype:>1;`,
	"ike.init_spi":                    `udp|ike.init_spi; content:"a";`,
	"ike.key_exchange_payload":        `udp|ike.key_exchange_payload; content:"a";`,
	"ike.key_exchange_payload_length": `udp|ike.key_exchange_payload_length:>1;`,
	"ike.nonce_payload":               `udp|ike.nonce_payload; content:"a";`,
	"ike.nonce_payload_length":        `udp|ike.nonce_payload_length:>1;`,
	"ike.resp_spi":                    `udp|ike.resp_spi; content:"a";`,
	"ike.vendor":                      `udp|ike.vendor; content:"a";`,
	"ip_proto":                        `ip_proto:6;`,
	"ipopts":                          `ipopts:rr;`,
	"ipv4.hdr":                        `ipv4.hdr; content:"a";`,
	"ipv6.hdr":                        `ipv6.hdr; content:"a";`,
	"isdataat":                        `isdataat:!10,relative;`,
	"itype":                           `itype:>1;`,
	"ja3.hash":                        `ja3.hash; content:"a";`,
	"ja3.string":                      `ja3.string; content:"a";`,
	"ja3s.hash":                       `ja3s.hash; content:"a";`,
	"ja3s.string":                     `ja3s.string; content:"a";`,
	"ja4.hash":                        `ja4.hash; content:"a";`,
	"js_data":                         `js_data; content:"a";`,
	"krb5.ticket_encryption":          `krb5.ticket_encryption:rc4-hmac;`,
	"krb5_cname":                      `krb5_cname; content:"a";`,
	"krb5_err_code":                   `krb5_err_code:>1;`,
	"krb5_msg_type":                   `krb5_msg_type:>1;`,
	"krb5_sname":                      `krb5_sname; content:"a";`,
	"ldap.request.attribute_type":     `ldap.request.attribute_type; content:"a";`,
	"ldap.request.dn":                 `ldap.request.dn; content:"a";`,
	"ldap.request.operation":          `ldap.request.operation:bind_request;`,
	"ldap.responses.attribute_type":   `ldap.responses.attribute_type; content:"a";`,
	"ldap.responses.count":            `ldap.responses.count:>2;`,
	"ldap.responses.dn":               `ldap.responses.dn; content:"a";`,
	"ldap.responses.message":          `ldap.responses.message; content:"a";`,
	"ldap.responses.operation":        `ldap.responses.operation:bind_response;`,
	"ldap.responses.result_code":      `ldap.responses.result_code:success,all;`,
	"metadata":                        `metadata:created_at 2024_01_01;`,
	"mqtt.connack.session_present":    `mqtt.connack.session_present:yes;`,
	"mqtt.connect.clientid":           `mqtt.connect.clientid; content:"a";`,
	"mqtt.connect.flags":              `mqtt.connect.flags:username,!password;`,
	"mqtt.connect.password":           `mqtt.connect.password; content:"a";`,
	"mqtt.connect.protocol_string":    `mqtt.connect.protocol_string; content:"a";`,
	"mqtt.connect.username":           `mqtt.connect.username; content:"a";`,
	"mqtt.connect.willmessage":        `mqtt.connect.willmessage; content:"a";`,
	"mqtt.connect.willtopic":          `mqtt.connect.willtopic; content:"a";`,
	"mqtt.flags":                      `mqtt.flags:dup;`,
	"mqtt.protocol_version":           `mqtt.protocol_version:>1;`,
	"mqtt.publish.message":            `mqtt.publish.message; content:"a";`,
	"mqtt.publish.topic":              `mqtt.publish.topic; content:"a";`,
	"mqtt.qos":                        `mqtt.qos:1;`,
	"mqtt.reason_code":                `mqtt.reason_code:>1;`,
	"mqtt.subscribe.topic":            `mqtt.subscribe.topic; content:"a";`,
	"mqtt.type":                       `mqtt.type:CONNECT;`,
	"mqtt.unsubscribe.topic":          `mqtt.unsubscribe.topic; content:"a";`,
	"msg":                             `msg:"x";`,
	"noalert":                         `noalert;`,
	"nocase":                          `content:"a"; nocase;`,
	"offset":                          `content:"a"; offset:1;`,
	"ntp.mode":                        `udp|ntp.mode:!client;`,
	"ntp.reference_id":                `udp|ntp.reference_id; content:"RATE";`,
	"ntp.stratum":                     `udp|ntp.stratum:<16;`,
	"ntp.version":                     `udp|ntp.version:4;`,
	"pcre":                            `pcre:"/a+/i";`,
	"pgsql.query":                     `pgsql.query; content:"SELECT";`,
	"pcrexform":                       `http.uri; pcrexform:"a(b)";`,
	"pkt_data":                        `pkt_data; content:"a";`,
	"prefilter":                       `prefilter;`,
	"pktvar":                          `pktvar:ua,"Mozilla";`,
	"priority":                        `priority:1;`,
	"raw_data":                        `raw_data; content:"a";`,
	"rawbytes":                        `content:"a"; rawbytes;`,
	"reference":                       `reference:url,example.com;`,
	"rem":                             `rem:"x";`,
	"replace":                         `content:"a"; replace:"b";`,
	"requires":                        `requires:version >= 7.0.3;`,
	"rev":                             `rev:1;`,
	"rfb.name":                        `rfb.name; content:"a";`,
	"rfb.secresult":                   `rfb.secresult:ok;`,
	"rfb.sectype":                     `rfb.sectype:>1;`,
	"rpc":                             `rpc:100000,2,*;`,
	"sameip":                          `sameip;`,
	"seq":                             `seq:>1;`,
	"service":                         `service:http;`,
	"sid":                             ``,
	"sip.content_length":              `sip.content_length; content:"a";`,
	"sip.content_type":                `sip.content_type; content:"a";`,
	"sip.from":                        `sip.from; content:"a";`,
	"sip.method":                      `sip.method; content:"a";`,
	"sip.protocol":                    `sip.protocol; content:"a";`,
	"sip.request_line":                `sip.request_line; content:"a";`,
	"sip.response_line":               `sip.response_line; content:"a";`,
	"sip.stat_code":                   `sip.stat_code; content:"a";`,
	"sip.stat_msg":                    `sip.stat_msg; content:"a";`,
	"sip.to":                          `sip.to; content:"a";`,
	"sip.uri":                         `sip.uri; content:"a";`,
	"sip.user_agent":                  `sip.user_agent; content:"a";`,
	"sip.via":                         `sip.via; content:"a";`,
	"sip_header":                      `sip_header; content:"a";`,
	"sip_method":                      `sip_method:invite;`,
	"sip_stat_code":                   `sip_stat_code:200;`,
	"smb.named_pipe":                  `smb.named_pipe; content:"a";`,
	"smb.share":                       `smb.share; content:"a";`,
	"smtp.helo":                       `smtp.helo; content:"a";`,
	"smtp.mail_from":                  `smtp.mail_from; content:"a";`,
	"smtp.rcpt_to":                    `smtp.rcpt_to; content:"a";`,
	"snmp.community":                  `udp|snmp.community; content:"a";`,
	"snmp.pdu_type":                   `udp|snmp.pdu_type:>1;`,
	"snmp.usm":                        `udp|snmp.usm; content:"a";`,
	"snmp.version":                    `udp|snmp.version:>1;`,
	"ssh.hassh":                       `ssh.hassh; content:"ec7378c1a92f5a8dde7e8b7a1ddf33d1";`,
	"ssh.hassh.server":                `ssh.hassh.server; content:"b12d2871a1189eff20364cf5333619ee";`,
	"ssh.hassh.server.string":         `ssh.hassh.server.string; content:"umac";`,
	"ssh.hassh.string":                `ssh.hassh.string; content:"curve25519";`,
	"ssh.proto":                       `ssh.proto; content:"a";`,
	"ssh.protoversion":                `ssh.protoversion:2.0;`,
	"ssh.software":                    `ssh.software; content:"a";`,
	"ssh.softwareversion":             `ssh.softwareversion:OpenSSH;`,
	"ssl_state":                       `ssl_state:client_hello;`,
	"ssl_version":                     `ssl_version:tls1.2;`,
	"startswith":                      `content:"a"; startswith;`,
	"stream-event":                    `stream-event:3whs_synack_with_wrong_ack;`,
	"stream_size":                     `stream_size:server,>,10;`,
	"strip_pseudo_headers":            `http.uri; strip_pseudo_headers; content:"a";`,
	"strip_whitespace":                `http.uri; strip_whitespace; content:"a";`,
	"tag":                             `tag:session,10,packets;`,
	"target":                          `target:src_ip;`,
	"tcp.hdr":                         `tcp.hdr; content:"a";`,
	"tcp.mss":                         `tcp.mss:>1;`,
	"threshold":                       `threshold:type limit,track by_src,count 1,seconds 60;`,
	"tld":                             `http.uri; tld; content:"a";`,
	"tls.cert_notafter":               `tls_cert_notafter:>2015;`,
	"tls.cert_notbefore":              `tls.cert_notbefore:1998-05-01<>2008-05-01;`,
	"tls.cert_chain_len":              `tls.cert_chain_len:>1;`,
	"tls.cert_expired":                `tls.cert_expired;`,
	"tls.cert_fingerprint":            `tls.cert_fingerprint; content:"a";`,
	"tls.alpn":                        `tls.alpn; content:"h2";`,
	"tls.cert_issuer":                 `tls.cert_issuer; content:"a";`,
	"tls.cert_serial":                 `tls.cert_serial; content:"a";`,
	"tls.cert_subject":                `tls.cert_subject; content:"a";`,
	"tls.cert_valid":                  `tls.cert_valid;`,
	"tls.certs":                       `tls.certs; content:"a";`,
	"tls.fingerprint":                 `tls.fingerprint:"aa:bb";`,
	"tls.issuerdn":                    `tls.issuerdn:"CN=x";`,
	"tls.random":                      `tls.random; content:"a";`,
	"tls.random_bytes":                `tls.random_bytes; content:"a";`,
	"tls.random_time":                 `tls.random_time; content:"a";`,
	"tls.sni":                         `tls.sni; content:"a";`,
	"tls.subjectaltname":              `tls.subjectaltname; content:"a";`,
	"tls.store":                       `tls.store;`,
	"tls.subject":                     `tls.subject:"CN=x";`,
	"tls.version":                     `tls.version:1.2;`,
	"to_lowercase":                    `http.uri; to_lowercase; content:"a";`,
	"to_md5":                          `http.uri; to_md5; content:"a";`,
	"to_sha1":                         `http.uri; to_sha1; content:"a";`,
	"to_sha256":                       `http.uri; to_sha256; content:"a";`,
	"to_uppercase":                    `http.uri; to_uppercase; content:"a";`,
	"tos":                             `tos:>1;`,
	"ttl":                             `ttl:>1;`,
	"udp.hdr":                         `udp.hdr; content:"a";`,
	"urilen":                          `urilen:>10,norm;`,
	"url_decode":                      `http.uri; url_decode; content:"a";`,
	"vlan.id":                         `vlan.id:>1,0;`,
	"vlan.layers":                     `vlan.layers:>1;`,
	"websocket.flags":                 `websocket.flags:fin,!comp;`,
	"websocket.mask":                  `websocket.mask:>0;`,
	"websocket.opcode":                `websocket.opcode:ping;`,
	"websocket.payload":               `websocket.payload; content:"a";`,
	"window":                          `window:>1;`,
	"within":                          `content:"a"; content:"b"; within:4;`,
	"xbits":                           `xbits:set,x,track ip_src;`,
	"xor":                             `http.uri; xor:"0d0ac8ff";`,
	"zlib_deflate":                    `http.uri; zlib_deflate;`,
}

// TestEveryKeyword parses a sample of every keyword, prints it, parses the
// print again to the same AST, and compiles it: a keyword with a compile
// step must load, one without must be skipped as unsupported.
func TestEveryKeyword(t *testing.T) {
	ignore := cmpopts.IgnoreTypes(ruleparser.Pos{})
	for _, e := range table {
		t.Run(e.Name, func(t *testing.T) {
			sample, ok := keywordSamples[e.Name]
			if !ok {
				t.Fatalf("no sample for %s in keywordSamples", e.Name)
			}
			d := ruleparser.DialectSuricata
			if len(e.Only) > 0 {
				d = e.Only[0]
			}
			proto := "tcp"
			if p, rest, ok := strings.Cut(sample, "|"); ok {
				proto, sample = p, rest
			}
			text := "alert " + proto + " any any -> any any (" + sample + " sid:1;)"
			opts := ruleparser.Options{Dialect: d, Keywords: Keywords()}
			r, err := ruleparser.ParseRule(text, opts)
			if err != nil {
				t.Fatalf("parse %s: %v", text, err)
			}
			if !uses(r, e.Name) {
				t.Fatalf("sample %q does not use %s", sample, e.Name)
			}
			printed := r.String()
			r2, err := ruleparser.ParseRule(printed, opts)
			if err != nil {
				t.Fatalf("parse printed %s: %v", printed, err)
			}
			if diff := cmp.Diff(r.Options, r2.Options, ignore); diff != "" {
				t.Errorf("print, parse changed the options (-first +second):\n%s", diff)
			}
			rep := compileSample(t, d, text)
			if removedKeywords[e.Name] {
				if rep.Loaded != 0 || len(rep.Errors) != 1 || errors.Is(rep.Errors[0], ErrUnsupported) {
					t.Errorf("%s: removed in Suricata 8 but loaded %d, errors %v", e.Name, rep.Loaded, rep.Errors)
				}
				return
			}
			if (e.compile != nil || e.Parse == nil) && rep.Loaded != 1 {
				t.Errorf("%s: not compiled (skipped %v): %s", e.Name, rep.Skipped, text)
			}
			if e.compile == nil && e.Parse != nil && rep.Skipped[e.Name] != 1 {
				t.Errorf("%s has no compile step but was not skipped as unsupported (skipped %v)", e.Name, rep.Skipped)
			}
		})
	}
	for n := range keywordSamples {
		if _, ok := Keywords().Lookup(n); !ok {
			t.Errorf("sample for %s, which is not in the table", n)
		}
	}
}

// removedKeywords are keywords Suricata 8 removed: a rule using one fails
// to load, with an error naming the replacement (sshobsolete.go).
var removedKeywords = map[string]bool{"ssh.protoversion": true, "ssh.softwareversion": true}

// compileSample loads and compiles one rule, beside the MD5 list
// hashes.md5 that the filemd5 sample names.
func compileSample(t *testing.T, d ruleparser.Dialect, text string) *Report {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hashes.md5"), []byte("d41d8cd98f00b204e9800998ecf8427e\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "test.rules")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rs, lrep := rules.Load(rules.LoadOptions{Paths: []string{path}, Vars: testVars(), Dialect: d, Keywords: Keywords()})
	if !lrep.OK() {
		t.Fatalf("load %s: %+v", text, lrep.Errors)
	}
	e, rep, err := Compile(rs, Options{Prefilter: mpm.Reference{}})
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	return rep
}

// uses reports whether rule r has an option of keyword name, or a content
// carrying it as a modifier.
func uses(r *ruleparser.Rule, name string) bool {
	for _, o := range r.Options {
		if o.Keyword() == name {
			return true
		}
		if c, ok := o.(*ruleparser.Content); ok {
			for _, m := range c.Mods {
				if m.Name == name {
					return true
				}
			}
			if c.LegacyBuffer == name {
				return true
			}
		}
	}
	return false
}

// TestKeywordList: the listing has every entry once plus the Suricata 8
// keywords Vigil does not parse, and marks as not supported exactly the
// entries without a compile step.
func TestKeywordList(t *testing.T) {
	l := Keywords().List()
	parsed := 0
	for _, k := range l {
		if k.Parsed {
			parsed++
		} else if k.Supported || k.Reason == "" {
			t.Errorf("%s: not parsed but supported or without reason", k.Name)
		}
	}
	if parsed != len(table) {
		t.Fatalf("%d parsed keywords listed, table has %d", parsed, len(table))
	}
	byName := map[string]KeywordInfo{}
	for _, k := range l {
		byName[k.Name] = k
	}
	for _, e := range table {
		k, ok := byName[e.Name]
		if !ok || k.Doc != e.Doc {
			t.Errorf("%s: listed %+v", e.Name, k)
			continue
		}
		if want := e.compile != nil || e.Parse == nil; k.Supported != want {
			t.Errorf("%s: supported %v, want %v", e.Name, k.Supported, want)
		}
	}
	for _, n := range []string{"asn1", "app-layer-event", "content", "nocase"} {
		if !byName[n].Supported {
			t.Errorf("%s not supported", n)
		}
	}
}
