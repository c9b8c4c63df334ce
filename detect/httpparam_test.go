package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

func TestHTTPParam(t *testing.T) {
	s3 := ruleparser.DialectSnort3
	const head = `alert tcp any any -> any 80 ( msg:"x"; flow:to_server,established; `
	for _, tc := range []struct {
		name, opts, uri string
		want            bool
	}{
		{"present, nothing after (sid 41504)", `http_uri; content:"/passwordrecovered.cgi",fast_pattern,nocase; http_param:"id",nocase;`, "/passwordrecovered.cgi?id=1234", true},
		{"absent", `http_uri; content:"/passwordrecovered.cgi",fast_pattern,nocase; http_param:"id",nocase;`, "/passwordrecovered.cgi?x=1", false},
		{"no query", `http_uri; content:"/passwordrecovered.cgi"; http_param:"id";`, "/passwordrecovered.cgi", false},
		{"empty value", `http_param:"id";`, "/a?id=&b=2", false},
		{"name case differs", `http_param:"id"; content:"1";`, "/a?ID=1", false},
		{"name case differs, nocase", `http_param:"id",nocase; content:"1";`, "/a?ID=1", true},
		{"value content", `http_param:"cmd"; content:"cat /etc/passwd";`, "/a?x=1&cmd=cat+%2Fetc%2Fpasswd", true},
		{"value anchored", `http_param:"cmd"; content:"cat",depth 3;`, "/a?x=1&cmd=cat", true},
		{"other parameter's value", `http_param:"x"; content:"cat";`, "/a?x=1&cmd=cat", false},
		{"first of repeated", `http_param:"a"; content:"1"; bufferlen:1;`, "/p?a=1&a=22", true},
		{"encoded name", `http_param:"user id"; content:"7";`, "/p?user%20id=7", true},
		{"fragment cut", `http_param:"a"; content:"frag";`, "/p?a=1#frag", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := txFires(t, s3, head+tc.opts+` sid:1; )`, "http", true, mapTx{bufid.HTTPURI: {tc.uri}})
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`http_param;`, `http_param:"id",foo;`, `http_param:"";`} {
		notLoaded(t, s3, head+bad+` sid:1; )`)
	}
}
