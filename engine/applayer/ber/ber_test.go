package ber

import (
	"bytes"
	"errors"
	"testing"
)

func TestReadHeader(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want Header
		err  error
	}{
		{"integer", []byte{0x02, 0x01, 0x05}, Header{Universal, false, TagInteger, 2, 1}, nil},
		{"sequence long length", []byte{0x30, 0x81, 0xd8}, Header{Universal, true, TagSequence, 3, 0xd8}, nil},
		{"application 10", []byte{0x6a, 0x82, 0x01, 0x00}, Header{Application, true, 10, 4, 256}, nil},
		{"context 3", []byte{0xa3, 0x05}, Header{Context, true, 3, 2, 5}, nil},
		{"high tag", []byte{0x7f, 0x81, 0x00, 0x00}, Header{Application, true, 128, 4, 0}, nil},
		{"empty", nil, Header{}, ErrShort},
		{"no length", []byte{0x30}, Header{}, ErrShort},
		{"short long length", []byte{0x30, 0x82, 0x01}, Header{}, ErrShort},
		{"short high tag", []byte{0x1f, 0x81}, Header{}, ErrShort},
		{"indefinite", []byte{0x30, 0x80}, Header{}, ErrMalformed},
		{"five length octets", []byte{0x30, 0x85, 1, 2, 3, 4, 5}, Header{}, ErrMalformed},
		{"too long", []byte{0x30, 0x84, 0x7f, 0xff, 0xff, 0xff}, Header{}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadHeader(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRead(t *testing.T) {
	in := []byte{0x04, 0x03, 'a', 'b', 'c', 0x05, 0x00}
	e, rest, err := Read(in)
	if err != nil {
		t.Fatal(err)
	}
	if !e.Is(Universal, false, TagOctetString) || string(e.Content) != "abc" {
		t.Errorf("got %+v %q", e.Header, e.Content)
	}
	if !bytes.Equal(rest, []byte{0x05, 0x00}) {
		t.Errorf("rest = %x", rest)
	}
	if _, _, err := Read(in[:4]); !errors.Is(err, ErrShort) {
		t.Errorf("truncated content: err = %v, want ErrShort", err)
	}
}

func TestInt(t *testing.T) {
	tests := []struct {
		in   []byte
		want int64
		ok   bool
	}{
		{[]byte{0x05}, 5, true},
		{[]byte{0x00, 0x80}, 128, true},
		{[]byte{0x80}, -128, true},
		{[]byte{0xff, 0x7b}, -133, true},
		{[]byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 1<<63 - 1, true},
		{nil, 0, false},
		{make([]byte, 9), 0, false},
	}
	for _, tt := range tests {
		got, ok := Int(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Int(%x) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestReader(t *testing.T) {
	r := NewReader([]byte{0x02, 0x01, 0x01, 0x04, 0x00, 0x30, 0x00})
	var tags []uint32
	for e, ok := r.Next(); ok; e, ok = r.Next() {
		tags = append(tags, e.Tag)
	}
	if r.Err() != nil || len(tags) != 3 || tags[0] != TagInteger || tags[1] != TagOctetString || tags[2] != TagSequence {
		t.Errorf("tags %v err %v", tags, r.Err())
	}
	// A child running past its parent is malformed, not short.
	r = NewReader([]byte{0x02, 0x01, 0x01, 0x04, 0x05, 'x'})
	for _, ok := r.Next(); ok; _, ok = r.Next() {
	}
	if !errors.Is(r.Err(), ErrMalformed) {
		t.Errorf("err = %v, want ErrMalformed", r.Err())
	}
}

func TestFields(t *testing.T) {
	// SEQUENCE content: [0] INTEGER 5, [2] OCTET STRING "x".
	content := []byte{0xa0, 0x03, 0x02, 0x01, 0x05, 0xa2, 0x03, 0x04, 0x01, 'x'}
	f := NewFields(content)
	var got []uint32
	for tag, e, ok := f.Next(); ok; tag, e, ok = f.Next() {
		got = append(got, tag)
		if tag == 2 && string(e.Content) != "x" {
			t.Errorf("[2] = %q", e.Content)
		}
	}
	if f.Err() || len(got) != 2 || got[0] != 0 || got[1] != 2 {
		t.Errorf("tags %v err %v", got, f.Err())
	}
	bad := map[string][]byte{
		"descending":  {0xa2, 0x03, 0x02, 0x01, 0x05, 0xa0, 0x03, 0x02, 0x01, 0x05},
		"universal":   {0x02, 0x01, 0x05},
		"two inside":  {0xa0, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x05},
		"primitive":   {0x80, 0x01, 0x05},
		"past parent": {0xa0, 0x09, 0x02, 0x01},
	}
	for name, b := range bad {
		f := NewFields(b)
		for _, _, ok := f.Next(); ok; _, _, ok = f.Next() {
		}
		if !f.Err() {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzRead walks arbitrary input as nested elements and checks that every
// element lies within its parent.
func FuzzRead(f *testing.F) {
	f.Add([]byte{0x30, 0x06, 0x02, 0x01, 0x01, 0x04, 0x01, 'a'})
	f.Add([]byte{0x6a, 0x05, 0x30, 0x03, 0xa1, 0x01, 0x00})
	f.Add([]byte{0x1f, 0xff, 0xff, 0xff, 0x7f, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		var walk func(b []byte, depth int)
		walk = func(b []byte, depth int) {
			r := NewReader(b)
			for e, ok := r.Next(); ok; e, ok = r.Next() {
				if len(e.Content) > len(b) || e.HeaderLen+e.Len > len(b) {
					t.Fatalf("element of %d bytes in %d", e.HeaderLen+e.Len, len(b))
				}
				if e.Constructed && depth < 32 {
					walk(e.Content, depth+1)
				}
			}
			fs := NewFields(b)
			for _, _, ok := fs.Next(); ok; _, _, ok = fs.Next() {
			}
		}
		walk(b, 0)
		Int(b)
	})
}
