package http

import "testing"

func TestParseXFF(t *testing.T) {
	for _, c := range []struct {
		v       string
		forward bool
		want    string // "" = no address
	}{
		{"10.2.2.2, 10.3.3.3", false, "10.3.3.3"},
		{"10.2.2.2, 10.3.3.3", true, "10.2.2.2"},
		{"1.2.3.4", false, "1.2.3.4"},
		{"1.2.3.4:5678", false, "1.2.3.4"},
		{"1.2.3.4:5678, 5.6.7.8:80", true, "1.2.3.4"},
		{"[12::34]:1234", false, "12::34"},
		{"[2a03:2880:1010:3f02:face:b00c:0:2]", true, "2a03:2880:1010:3f02:face:b00c:0:2"},
		{"10.0.0.1, [::ffff:1.2.3.4]:1234", false, "::ffff:1.2.3.4"},
		{"12::34", false, "12::34"},
		{"10.0.0.1, 2001:DB8::7", false, "2001:DB8::7"}, // logged as written
		{"[1.2.3.4:1234", false, ""},
		{"999.999.999.999:1234", false, ""},
		{"1.2.3.4,5.6.7.8", false, ""}, // no space: one entry, not an address
		{"unknown, 1.2.3.4", true, ""},
	} {
		a, ok := ParseXFF([]byte(c.v), c.forward)
		got := ""
		if ok {
			got = string(a)
		}
		if got != c.want {
			t.Errorf("ParseXFF(%q, forward %v) = %q, want %q", c.v, c.forward, got, c.want)
		}
	}
}

func TestTxXFF(t *testing.T) {
	tx := &Tx{Req: Message{Headers: []Header{
		{Name: []byte("Host"), Value: []byte("example.com")},
		{Name: []byte("x-forwarded-for"), Value: []byte("10.2.2.2, 10.3.3.3")},
		{Name: []byte("X-Real-IP"), Value: []byte("192.0.2.7")},
	}}}
	if a, ok := tx.XFF("X-Forwarded-For", false); !ok || string(a) != "10.3.3.3" {
		t.Errorf("X-Forwarded-For reverse = %s %v, want 10.3.3.3", a, ok)
	}
	if a, ok := tx.XFF("X-Real-IP", true); !ok || string(a) != "192.0.2.7" {
		t.Errorf("X-Real-IP forward = %s %v, want 192.0.2.7", a, ok)
	}
	if _, ok := tx.XFF("X-Client-IP", false); ok {
		t.Error("absent header gave an address")
	}
}
