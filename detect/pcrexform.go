package detect

import (
	"vigil/detect/pcre"
	"vigil/ruleparser"
)

// pcrexform is the pcrexform transform: the buffer becomes the first
// capture group of the regular expression's first match; without a match
// the buffer is left as it was. The expression is given without slashes
// or flags and must have a capture group. Docs:
// rules/transforms.html#pcrexform
type pcrexform struct{ re *pcre.Regexp }

// apply is never used: pcrexform needs the thread's PCRE matcher
// (threadTransform).
func (x pcrexform) apply(dst, src []byte) []byte { return append(dst, src...) }

func (x pcrexform) applyThread(t *Thread, dst, src []byte) []byte {
	if ok, _, _ := t.re.Match(x.re, src, 0); ok {
		if from, to := t.re.Group(1); from >= 0 {
			return append(dst, src[from:to]...)
		}
	}
	return append(dst, src...)
}

func setupPcrexform(b *sigBuilder, v *ruleparser.Buffer) error {
	if v.Arg == "" {
		return errBadValue("pcrexform needs a regular expression")
	}
	arg := v.Arg
	if len(arg) >= 2 && arg[0] == '"' && arg[len(arg)-1] == '"' {
		arg = arg[1 : len(arg)-1]
	}
	re, err := pcre.Compile(arg, 0)
	if err != nil {
		return errBadValue(err.Error())
	}
	if re.NumGroups() < 1 {
		return errBadValue("pcrexform: the expression needs a capture group")
	}
	return transformSetup(pcrexform{re: re})(b, v)
}
