package tenantd

import (
	"strings"
	"testing"
)

func TestCanonicalDomain(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"pbx.example.com", "pbx.example.com"},
		{"PBX-Case.Example.COM", "pbx-case.example.com"},
		{"dot.example.com.", "dot.example.com"},
		{"pbx", "pbx"},
		{"a-b.c--d.example", "a-b.c--d.example"},
		{"123.example", "123.example"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"XN--BCHER-KVA.Example", "xn--bcher-kva.example"},

		// Internationalised names.
		{"bücher.example", "xn--bcher-kva.example"},
		{"BÜCHER.example", "xn--bcher-kva.example"},
		{"münchen.de", "xn--mnchen-3ya.de"},
		{"例え.テスト", "xn--r8jz45g.xn--zckzah"},
		{"пример.рф", "xn--e1afmkfd.xn--p1ai"},
		{"ПРИМЕР.РФ.", "xn--e1afmkfd.xn--p1ai"},
		{"例え。テスト", "xn--r8jz45g.xn--zckzah"},
		{"\u212a.example", "k.example"}, // Kelvin sign lower-cases to ASCII "k"

		// IP literals.
		{"192.0.2.1", "192.0.2.1"},
		{"0.0.0.0", "0.0.0.0"},
		{"2001:db8::1", "2001:db8::1"},
		{"[2001:db8::1]", "2001:db8::1"},
		{"2001:DB8:0:0:0:0:0:1", "2001:db8::1"},
		{"[2001:0db8:0000::0001]", "2001:db8::1"},
		{"::1", "::1"},
		{"::ffff:192.0.2.1", "192.0.2.1"},

		// Length limits: 63-character labels and a 253-character name.
		{strings.Repeat("a", 63) + ".com", strings.Repeat("a", 63) + ".com"},
		{long253, long253},
		{long253 + ".", long253},
	}
	for _, tt := range tests {
		got, err := CanonicalDomain(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("CanonicalDomain(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

// long253 is a name of exactly 253 characters: three 63-character labels and one of 61.
var long253 = strings.Repeat(strings.Repeat("a", 63)+".", 3) + strings.Repeat("b", 61)

func TestCanonicalDomainInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", errDomainEmpty},
		{".", errDomainLabel},
		{"a.com..", errDomainLabel},
		{".a.com", errDomainLabel},
		{"a..com", errDomainLabel},
		{"a b.com", errDomainChar},
		{" a.com", errDomainChar},
		{"a.com ", errDomainChar},
		{"a\tb.com", errDomainChar},
		{"a\x00.com", errDomainChar},
		{"a\u0085.com", errDomainChar},
		{"a_b.com", errDomainChar},
		{"user@a.com", errDomainChar},
		{"a.com/x", errDomainChar},
		{"sip:a.com", errDomainIP},
		{"a.com:5060", errDomainIP},
		{"192.0.2.1:5060", errDomainIP},
		{"[2001:db8::1]:5060", errDomainIP},
		{"[2001:db8::1", errDomainIP},
		{"[192.0.2.1]", errDomainIP},
		{"[a.com]", errDomainIP},
		{"fe80::1%eth0", errDomainIP},
		{"2001:db8::g", errDomainIP},
		{"-a.com", errDomainHyphen},
		{"a-.com", errDomainHyphen},
		{"a.-com", errDomainHyphen},
		{"xn--", errDomainHyphen},
		{"-ü.com", errDomainHyphen},
		{"ü-.com", errDomainHyphen},
		{"a\u200db.com", errDomainChar}, // zero-width joiner
		{"a\u2764.com", errDomainChar},  // a symbol
		{"a\u00b7b.com", errDomainChar}, // middle dot, punctuation
		{"\u0301a.com", errDomainChar},  // label starting with a combining mark
		{"a\xff.com", errDomainChar},
		{"1.2.3", errDomainNumeric},
		{"999.1.1.1", errDomainNumeric},
		{"010.1.1.1", errDomainNumeric},
		{"1.2.3.4.5", errDomainNumeric},
		{"1.2.3.4.", errDomainNumeric},
		{"a.123", errDomainNumeric},
		{"a.0x10", errDomainNumeric},
		{"0x7f", errDomainNumeric},
		{strings.Repeat("a", 64) + ".com", errDomainLabelLen},
		{strings.Repeat("ü", 60) + ".com", errDomainLabelLen},
		{strings.Repeat("ü", 59) + ".com", errDomainLabelLen}, // 59 runes, longer once encoded
		{long253 + "b", errDomainTooLong},
		{"ü." + long253[4:], errDomainTooLong}, // 251 characters before conversion
		{strings.Repeat("a", 281), errDomainInput},
	}
	for _, tt := range tests {
		got, err := CanonicalDomain(tt.in)
		if err != tt.want {
			t.Errorf("CanonicalDomain(%q) = %q, %v; want error %q", tt.in, got, err, tt.want)
		}
	}
}

func TestPunycodeEncode(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"bücher", "bcher-kva"},
		{"münchen", "mnchen-3ya"},
		{"例え", "r8jz45g"},
		{"テスト", "zckzah"},
		{"пример", "e1afmkfd"},
		{"рф", "p1ai"},
		{"ü", "tda"},

		// Samples from RFC 3492 section 7.1.
		{"他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"},
		{"3年B組金八先生", "3B-ww4c5e180e575a65lsy2b"},
		{"ليهمابتكلموشعربي؟", "egbpdaj6bu4bxfgehfvwxn"},
	}
	for _, tt := range tests {
		if got := punycodeEncode(tt.in); got != tt.want {
			t.Errorf("punycodeEncode(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzCanonicalDomain(f *testing.F) {
	for _, s := range []string{
		"pbx.example.com", "PBX-Case.Example.COM", "dot.example.com.", "bücher.example",
		"例え.テスト", "пример.рф", "192.0.2.1", "[2001:db8::1]", "::ffff:192.0.2.1", "a.com:5060",
		"1.2.3", "a..com", "-a.com", "xn--bcher-kva.example", "\u212a.example", "例え。テスト",
	} {
		f.Add(s)
	}

	f.Fuzz(func(t *testing.T, s string) {
		got, err := CanonicalDomain(s)
		if err != nil {
			return
		}
		if got == "" || len(got) > maxDomainName || strings.ToLower(got) != got {
			t.Fatalf("CanonicalDomain(%q) = %q", s, got)
		}

		again, err := CanonicalDomain(got)
		if err != nil || again != got {
			t.Fatalf("CanonicalDomain(%q) = %q, but that canonicalises to %q, %v",
				s, got, again, err)
		}
	})
}

// TestDomainSpellingsOfOneName covers names that are one name to a person but different text:
// each must end in the same canonical form, or be refused.
func TestDomainSpellingsOfOneName(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"ｅｘａｍｐｌｅ.com", "example.com", ""},
		{"ＥＸＡＭＰＬＥ．ＣＯＭ", "example.com", ""},
		{"bücher.example", "xn--bcher-kva.example", ""},
		{"xn--bcher-kva.example", "xn--bcher-kva.example", ""},
		{"XN--BCHER-KVA.example", "xn--bcher-kva.example", ""},
		{"bu\u0308cher.example", "", errDomainNFC.Error()},
		{"xn--zz.example", "", errDomainPuny.Error()},
		{"xn--abc.example", "", errDomainPuny.Error()},
		{"xn--.example", "", errDomainHyphen.Error()},
		{"xn--99999999999.example", "", errDomainPuny.Error()},
		{"\u304b\u3099.example", "", errDomainNFC.Error()},       // か + voicing mark
		{"\u0627\u0654.example", "", errDomainNFC.Error()},       // alef + hamza above
		{"\u1112\u1161\u11ab.example", "", errDomainNFC.Error()}, // 한 as jamo
		{"\u304c.example", "xn--v8j.example", ""},                // が precomposed
		{"\U0001d41a\U0001d41c\U0001d426\U0001d41e.example", "", errDomainCompat.Error()},
		{"\ufb01sh.example", "", errDomainCompat.Error()}, // ﬁ ligature
		{"\u00aacme.example", "", errDomainCompat.Error()},
		{"::ffff:127.0.0.9", "127.0.0.9", ""},
		{"[::FFFF:7F00:9]", "127.0.0.9", ""},
	} {
		got, err := CanonicalDomain(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("CanonicalDomain(%q) = %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("CanonicalDomain(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
