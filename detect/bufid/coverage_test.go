package bufid

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// parserDir is the app-layer parsers' tree, relative to this package.
const parserDir = "../../engine/applayer"

// parserProtos names the protocol of each parser package.
var parserProtos = map[string]Proto{
	"http": ProtoHTTP, "http2": ProtoHTTP2, "tls": ProtoTLS, "dns": ProtoDNS, "ssh": ProtoSSH,
	"sip": ProtoSIP, "smb": ProtoSMB, "dcerpc": ProtoDCERPC, "ftp": ProtoFTP, "ftpdata": ProtoFTPData, "rfb": ProtoRFB,
	"mqtt": ProtoMQTT, "snmp": ProtoSNMP, "krb5": ProtoKRB5, "smtp": ProtoSMTP, "ldap": ProtoLDAP,
	"dnp3": ProtoDNP3, "enip": ProtoENIP, "modbus": ProtoModbus, "dhcp": ProtoDHCP,
	"quic": ProtoQUIC, "ike": ProtoIKE, "websocket": ProtoWebSocket, "pgsql": ProtoPgSQL, "pop3": ProtoPOP3, "tftp": ProtoTFTP, "ntp": ProtoNTP,
}

// notProduced lists the transaction buffers detection knows that no parser
// fills yet, with the reason. Empty: every one is produced.
var notProduced = map[ID]string{}

// offers returns, per parser package, the buffers its code names in a
// case clause or compares an ID with (Tx.Buffer and Tx.BufferAt select on
// the ID): the buffers the parser fills. Test files are left out.
func offers(t *testing.T) map[string]map[ID]bool {
	t.Helper()
	byName := map[string]ID{}
	for b := range Specs {
		byName[constName(t, ID(b))] = ID(b)
	}
	out := map[string]map[ID]bool{}
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(parserDir, "*", "*.go"))
	if err != nil || len(files) == 0 {
		t.Skipf("parser sources not found under %s: %v", parserDir, err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		pkg := filepath.Base(filepath.Dir(path))
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			var exprs []ast.Expr
			switch n := n.(type) {
			case *ast.CaseClause:
				exprs = n.List
			case *ast.BinaryExpr:
				if n.Op == token.EQL {
					exprs = []ast.Expr{n.X, n.Y}
				}
			}
			for _, e := range exprs {
				se, ok := e.(*ast.SelectorExpr)
				if !ok {
					continue
				}
				if x, ok := se.X.(*ast.Ident); !ok || x.Name != "bufid" {
					continue
				}
				b, ok := byName[se.Sel.Name]
				if !ok {
					continue // a Proto
				}
				if out[pkg] == nil {
					out[pkg] = map[ID]bool{}
				}
				out[pkg][b] = true
			}
			return true
		})
	}
	return out
}

// constName returns the name of b's constant in id.go.
func constName(t *testing.T, b ID) string {
	t.Helper()
	if constNames == nil {
		src, err := os.ReadFile("id.go")
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), "id.go", src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, s := range g.Specs {
				for _, n := range s.(*ast.ValueSpec).Names {
					constNames = append(constNames, n.Name)
				}
			}
			break
		}
	}
	return constNames[b]
}

var constNames []string

// TestParsersAndDetectAgree: every buffer a parser fills is a transaction
// buffer of the parser's protocol (or a file buffer of a file protocol,
// DCERPC on SMB, HTTP on HTTP/2) and so reaches the rules that name it;
// every transaction buffer detection knows is filled by some parser or
// listed in notProduced with a reason.
func TestParsersAndDetectAgree(t *testing.T) {
	byPkg := offers(t)
	produced := map[ID]bool{}
	for pkg, ids := range byPkg {
		own, ok := parserProtos[pkg]
		if !ok {
			t.Errorf("parser package %s: protocol unknown to this test; add it to parserProtos", pkg)
			continue
		}
		for b := range ids {
			produced[b] = true
			s := &Specs[b]
			switch {
			case !s.Tx():
				t.Errorf("%s offers %s, which is not a transaction buffer", pkg, s.Name)
			case s.Proto == own:
			case s.Proto == ProtoFile && (own == ProtoHTTP || own == ProtoHTTP2 || own == ProtoSMB || own == ProtoSMTP || own == ProtoFTPData):
			case s.Proto == ProtoDCERPC && own == ProtoSMB:
			case s.Proto == ProtoHTTP && own == ProtoHTTP2:
			case own == ProtoQUIC && (b == JA3Hash || b == JA3String || b == JA3SHash || b == JA3SString || b == JA4Hash):
				// TLS fingerprints of QUIC's handshake (detect/quic.go).
			default:
				t.Errorf("%s offers %s of protocol %v: rules for %v never inspect it", pkg, s.Name, s.Proto, own)
			}
		}
	}
	for b := range Specs {
		s := &Specs[b]
		if !s.Tx() {
			continue
		}
		why, listed := notProduced[ID(b)]
		switch {
		case !produced[ID(b)] && !listed:
			t.Errorf("no parser fills %s (%v): implement it or list it in notProduced with a reason", s.Name, s.Proto)
		case produced[ID(b)] && listed:
			t.Errorf("%s is filled by a parser but listed in notProduced (%s)", s.Name, why)
		}
	}
}
