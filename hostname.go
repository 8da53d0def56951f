package tenantd

import (
	"errors"
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a tenant's SIP domain. The input limit is the API's maxLength; the others are the
// DNS limits, which apply to the converted, ASCII form.
const (
	maxDomainInput = 280
	maxDomainName  = 253
	maxDomainLabel = 63
)

// Reasons a domain is refused. They are client-safe and do not repeat the input.
var (
	errDomainEmpty    = errors.New("must not be empty")
	errDomainInput    = errors.New("must be at most 280 characters")
	errDomainTooLong  = errors.New("must be at most 253 characters once converted to ASCII")
	errDomainLabel    = errors.New("must not contain empty labels")
	errDomainLabelLen = errors.New("must not have labels longer than 63 characters")
	errDomainChar     = errors.New("may contain only letters, digits, hyphens and dots")
	errDomainHyphen   = errors.New("must not have labels that start or end with a hyphen")
	errDomainIP       = errors.New("must be a host name or an IP address, without a port")
	errDomainNumeric  = errors.New("must be a valid IPv4 address when its last label is a number")
	errDomainPuny     = errors.New("must not have xn-- labels that are not valid punycode")
	errDomainNFC      = errors.New("must be in composed form: write accented letters as one " +
		"character, not a letter followed by a combining accent")
	errDomainCompat = errors.New("must not use styled or compatibility forms of letters " +
		"(such as mathematical bold, ligatures or superscripts); type the plain letters")
)

// CanonicalDomain returns the canonical form of a tenant SIP domain, or an error whose message
// is a short reason fit for a client. Two domains are the same exactly when their canonical
// forms are equal, and the canonical form of a canonical form is itself.
//
// A domain is a host name or an IP address:
//
//   - An IPv4 address is written as a dotted quad without leading zeros and returned as is.
//   - An IPv6 address may be given bare ("2001:db8::1") or in brackets ("[2001:db8::1]"); it is
//     returned bare, in the lower-case compressed form of RFC 5952, so that one address has
//     one spelling. Zones ("%eth0") and ports are refused. Callers building a SIP URI must add
//     the brackets.
//   - A host name is lower-cased, loses one trailing dot, and has every label that holds a
//     non-ASCII character converted to its punycode form ("xn--..."). Labels are 1..63 letters,
//     digits and hyphens, not starting or ending with a hyphen, and the converted name is at
//     most 253 characters. Single-label names such as "pbx" are allowed.
//
// A host name whose last label is a number ("1.2.3", "999.1.1.1", "a.0x10") is refused: URL
// parsers read such names as IPv4 addresses, so accepting them would let one tenant's domain
// mean different hosts to different clients.
func CanonicalDomain(s string) (string, error) {
	if s == "" {
		return "", errDomainEmpty
	}
	if !utf8.ValidString(s) {
		return "", errDomainChar
	}
	if utf8.RuneCountInString(s) > maxDomainInput {
		return "", errDomainInput
	}

	// Only IPv6 literals contain colons or brackets; anywhere else a colon would be a port.
	if strings.HasPrefix(s, "[") || strings.Contains(s, ":") {
		return canonicalIPv6(s)
	}
	if addr, err := netip.ParseAddr(s); err == nil {
		return addr.String(), nil
	}
	return canonicalHostName(s)
}

// canonicalIPv6 returns the bare, RFC 5952 form of an IPv6 address given bare or in brackets.
func canonicalIPv6(s string) (string, error) {
	inner := s
	if strings.HasPrefix(s, "[") {
		if !strings.HasSuffix(s, "]") {
			return "", errDomainIP
		}
		inner = s[1 : len(s)-1]
	}

	addr, err := netip.ParseAddr(inner)
	if err != nil || !addr.Is6() || addr.Zone() != "" {
		return "", errDomainIP
	}
	// An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 host itself.
	return addr.Unmap().String(), nil
}

// canonicalHostName returns the canonical form of a host name, as CanonicalDomain describes.
//
// The conversion is a deliberate subset of IDNA2008 and UTS #46, written with the standard
// library alone: it lower-cases with Unicode's simple case mapping, maps the ideographic full
// stops to '.' and the full-width forms of ASCII to ASCII, and checks that "xn--" labels are
// punycode that decodes to what it would encode. It does not normalise: instead of mapping a
// decomposed name to its composed twin (NFC) or a styled letter to the plain one (NFKC), it
// refuses the characters such spellings are made of (see decomposedPart and
// compatibilityForm), so that one name cannot be registered twice in two spellings. That is an
// approximation by Unicode block, not the full tables.
func canonicalHostName(s string) (string, error) {
	name := strings.Map(foldDomainRune, s)
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return "", errDomainLabel
	}

	labels := strings.Split(name, ".")
	for i, label := range labels {
		ascii, err := canonicalLabel(label)
		if err != nil {
			return "", err
		}
		labels[i] = ascii
	}

	if numericLabel(labels[len(labels)-1]) {
		return "", errDomainNumeric
	}

	name = strings.Join(labels, ".")
	if len(name) > maxDomainName {
		return "", errDomainTooLong
	}
	return name, nil
}

// foldDomainRune lower-cases r and maps the full stops of East Asian scripts to '.', as
// UTS #46 does, so that a name typed with an IME splits into labels.
func foldDomainRune(r rune) rune {
	switch r {
	case '\u3002', '\uff0e', '\uff61':
		return '.'
	}
	if '\uff01' <= r && r <= '\uff5e' { // full-width ASCII, as some input methods type it
		r -= 0xfee0
	}
	return unicode.ToLower(r)
}

// canonicalLabel checks one lower-cased label and returns its ASCII form: the label itself
// when it is ASCII, else "xn--" followed by its punycode encoding.
func canonicalLabel(label string) (string, error) {
	if label == "" {
		return "", errDomainLabel
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return "", errDomainHyphen
	}

	ascii, err := checkLabelRunes(label)
	if err != nil {
		return "", err
	}
	if ascii && strings.HasPrefix(label, "xn--") && !validALabel(label) {
		return "", errDomainPuny
	}

	// An A-label has at least as many characters as its U-label has runes, plus "xn--", so a
	// longer U-label cannot fit; refusing it early also keeps the encoder's numbers small.
	if !ascii {
		if utf8.RuneCountInString(label) > maxDomainLabel-4 {
			return "", errDomainLabelLen
		}
		label = "xn--" + punycodeEncode(label)
	}

	if len(label) > maxDomainLabel {
		return "", errDomainLabelLen
	}
	return label, nil
}

// checkLabelRunes reports whether a label is pure ASCII, or an error if it holds a character
// that no host name may contain. ASCII is limited to letters, digits and hyphens; beyond ASCII,
// letters, combining marks and decimal digits are allowed, but a mark may not start a label.
// Everything else (spaces, controls, symbols, punctuation, joiners) is refused.
func checkLabelRunes(label string) (ascii bool, err error) {
	ascii = true
	for i, r := range label {
		switch {
		case r == '-' || 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			// Upper case cannot occur: the label was lower-cased.
		case r < utf8.RuneSelf:
			return false, errDomainChar
		case i == 0 && unicode.IsMark(r):
			return false, errDomainChar
		case decomposedPart(r):
			return false, errDomainNFC
		case compatibilityForm(r):
			return false, errDomainCompat
		case unicode.IsLetter(r) || unicode.IsDigit(r) || i > 0 && unicode.IsMark(r):
			ascii = false
		default:
			return false, errDomainChar
		}
	}
	return ascii, nil
}

// numericLabel reports whether a label would be read as a number by a URL parser: decimal
// digits, or "0x" followed by hexadecimal digits.
func numericLabel(label string) bool {
	if rest, ok := strings.CutPrefix(label, "0x"); ok {
		return strings.Trim(rest, "0123456789abcdef") == ""
	}
	return label != "" && strings.Trim(label, "0123456789") == ""
}

// Parameters of the punycode bootstring, from RFC 3492 section 5.
const (
	punyBase        = 36
	punyTMin        = 1
	punyTMax        = 26
	punySkew        = 38
	punyDamp        = 700
	punyInitialBias = 72
	punyInitialN    = 128
)

// punycodeEncode returns the RFC 3492 encoding of label, without the "xn--" prefix. ASCII
// characters are copied as they are. The caller keeps label short (at most 63 runes), which
// keeps every intermediate value far below overflow.
func punycodeEncode(label string) string {
	runes := []rune(label)

	// The basic (ASCII) code points come first, then a delimiter if there were any.
	out := make([]byte, 0, 2*len(label))
	for _, r := range runes {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
		}
	}
	basic := len(out)
	if basic > 0 {
		out = append(out, '-')
	}

	// Each remaining code point, smallest first, is written as the distance the decoder's
	// state (next code point n, insertion position) must advance to insert it.
	n, delta, bias := punyInitialN, 0, punyInitialBias
	for handled := basic; handled < len(runes); {
		m := smallestRuneFrom(runes, n)
		delta += (m - n) * (handled + 1)
		n = m

		for _, r := range runes {
			if int(r) < n {
				delta++
			}
			if int(r) != n {
				continue
			}
			out = appendPunyNumber(out, delta, bias)
			bias = punyAdapt(delta, handled+1, handled == basic)
			delta = 0
			handled++
		}

		delta++
		n++
	}
	return string(out)
}

// smallestRuneFrom returns the smallest code point in runes that is at least n. The caller
// guarantees that one exists.
func smallestRuneFrom(runes []rune, n int) int {
	m := int(unicode.MaxRune) + 1
	for _, r := range runes {
		if int(r) >= n && int(r) < m {
			m = int(r)
		}
	}
	return m
}

// appendPunyNumber appends q as a generalised variable-length integer whose digit thresholds
// depend on bias.
func appendPunyNumber(out []byte, q, bias int) []byte {
	for k := punyBase; ; k += punyBase {
		t := min(max(k-bias, punyTMin), punyTMax)
		if q < t {
			break
		}
		out = append(out, punyDigit(t+(q-t)%(punyBase-t)))
		q = (q - t) / (punyBase - t)
	}
	return append(out, punyDigit(q))
}

// punyAdapt returns the bias for the next number after one of value delta was written, when
// numPoints code points are now handled; first says whether it was the first number.
func punyAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= punyDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints

	k := 0
	for delta > (punyBase-punyTMin)*punyTMax/2 {
		delta /= punyBase - punyTMin
		k += punyBase
	}
	return k + (punyBase-punyTMin+1)*delta/(delta+punySkew)
}

// punyDigit returns the character for a punycode digit: 0..25 are 'a'..'z', 26..35 '0'..'9'.
func punyDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// validALabel reports whether an "xn--" label is punycode for a label this package would
// accept and would itself encode to exactly this text: anything else (bad digits, overflow,
// an all-ASCII payload, characters a host name may not hold) is refused.
func validALabel(label string) bool {
	runes, ok := punycodeDecode(strings.TrimPrefix(label, "xn--"))
	if !ok || len(runes) == 0 {
		return false
	}
	u := string(runes)
	if strings.ToLower(u) != u {
		return false
	}
	ascii, err := checkLabelRunes(u)
	return err == nil && !ascii && "xn--"+punycodeEncode(u) == label
}

// punycodeDecode decodes the RFC 3492 encoding s (without "xn--"), reporting false for
// input that is not valid punycode.
func punycodeDecode(s string) ([]rune, bool) {
	var out []rune
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		for _, c := range []byte(s[:i]) {
			if c >= utf8.RuneSelf {
				return nil, false
			}
			out = append(out, rune(c))
		}
		s = s[i+1:]
	}

	n, bias, i := punyInitialN, punyInitialBias, 0
	for pos := 0; pos < len(s); {
		oldI, w := i, 1
		for k := punyBase; ; k += punyBase {
			if pos == len(s) {
				return nil, false
			}
			d, ok := punyValue(s[pos])
			pos++
			if !ok || d > (1<<30-i)/w {
				return nil, false
			}
			i += d * w
			t := min(max(k-bias, punyTMin), punyTMax)
			if d < t {
				break
			}
			w *= punyBase - t
			if w > 1<<30 {
				return nil, false
			}
		}
		bias = punyAdapt(i-oldI, len(out)+1, oldI == 0)
		n += i / (len(out) + 1)
		i %= len(out) + 1
		if n > unicode.MaxRune || len(out) >= maxDomainLabel {
			return nil, false
		}
		out = append(out[:i], append([]rune{rune(n)}, out[i:]...)...)
		i++
	}
	return out, true
}

// punyValue is the inverse of punyDigit.
func punyValue(c byte) (int, bool) {
	switch {
	case 'a' <= c && c <= 'z':
		return int(c - 'a'), true
	case '0' <= c && c <= '9':
		return int(c-'0') + 26, true
	}
	return 0, false
}

// decomposedPart reports whether r is a character that only appears in the decomposed (NFD)
// spelling of a letter that Unicode also has as one precomposed character: the combining
// accents of Latin, Greek and Cyrillic, the combining voicing marks of Japanese kana, the
// combining hamza and madda of Arabic, and the conjoining jamo that spell Hangul syllables.
// Without normalisation tables this is how two spellings of one name are kept apart.
func decomposedPart(r rune) bool {
	return '\u0300' <= r && r <= '\u036f' ||
		r == '\u3099' || r == '\u309a' ||
		'\u0653' <= r && r <= '\u0655' ||
		'\u1100' <= r && r <= '\u11ff' || '\ua960' <= r && r <= '\ua97f' ||
		'\ud7b0' <= r && r <= '\ud7ff'
}

// compatibilityForm reports whether r lies in a block of styled or compatibility variants of
// letters and digits, which UTS #46 maps to plain letters: a name spelled with them would be
// a second tenant for a name people and SIP stacks read as the plain one.
func compatibilityForm(r rune) bool {
	return r == '\u00aa' || r == '\u00ba' || // ordinal indicators
		'\u2070' <= r && r <= '\u209f' || // superscripts and subscripts
		'\u2100' <= r && r <= '\u214f' || // letterlike symbols
		'\u2460' <= r && r <= '\u24ff' || // enclosed alphanumerics
		'\u3130' <= r && r <= '\u318f' || // Hangul compatibility jamo
		'\u3300' <= r && r <= '\u33ff' || // CJK compatibility
		'\ufb00' <= r && r <= '\ufb4f' || // alphabetic presentation forms (ligatures)
		'\ufe70' <= r && r <= '\ufeff' || // Arabic presentation forms B
		'\ufb50' <= r && r <= '\ufdff' || // Arabic presentation forms A
		'\uff00' <= r && r <= '\uffef' || // half- and full-width forms not mapped to ASCII
		'\U0001d400' <= r && r <= '\U0001d7ff' || // mathematical alphanumerics
		'\U0001f100' <= r && r <= '\U0001f1ff' // enclosed alphanumeric supplement
}
