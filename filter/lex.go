package filter

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokWord             // a field name or keyword
	tokString           // a quoted string; text holds the unescaped value
	tokInt              // an integer; num holds the value
	tokLParen
	tokRParen
	tokComma
)

// token is one lexical unit; pos is its byte offset in the input.
type token struct {
	kind tokenKind
	pos  int
	text string
	num  int64
}

// lex splits s into tokens. The result always ends with one tokEOF token whose pos is len(s).
// Errors are *SyntaxError.
func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}

		tok, next, err := lexToken(s, i)
		if err != nil {
			return nil, err
		}
		toks = append(toks, tok)
		i = next
	}
	return append(toks, token{kind: tokEOF, pos: len(s)}), nil
}

// lexToken reads the token starting at s[i] and returns it with the offset just past it.
func lexToken(s string, i int) (token, int, error) {
	c := s[i]
	switch {
	case c == '(':
		return token{kind: tokLParen, pos: i}, i + 1, nil
	case c == ')':
		return token{kind: tokRParen, pos: i}, i + 1, nil
	case c == ',':
		return token{kind: tokComma, pos: i}, i + 1, nil
	case c == '\'':
		return lexString(s, i)
	case c == '-' || isDigit(c):
		return lexInt(s, i)
	case isWordStart(c):
		end := i + 1
		for end < len(s) && isWordByte(s[end]) {
			end++
		}
		return token{kind: tokWord, pos: i, text: s[i:end]}, end, nil
	}
	return token{}, 0, syntaxErr(i, "unexpected character")
}

// lexString reads a single-quoted string starting at s[start], where two quotes stand for one.
// The value must be valid UTF-8 without NUL bytes: both would only fail later, in the database.
func lexString(s string, start int) (token, int, error) {
	var b strings.Builder
	for i := start + 1; i < len(s); i++ {
		switch {
		case s[i] == 0:
			return token{}, 0, syntaxErr(i, "nul byte in string")
		case s[i] != '\'':
			b.WriteByte(s[i])
			continue
		case i+1 < len(s) && s[i+1] == '\'':
			b.WriteByte('\'')
			i++
			continue
		}

		if !utf8.ValidString(b.String()) {
			return token{}, 0, syntaxErr(start, "invalid utf-8 in string")
		}
		return token{kind: tokString, pos: start, text: b.String()}, i + 1, nil
	}
	return token{}, 0, syntaxErr(start, "unterminated string")
}

// lexInt reads an optionally negative decimal integer starting at s[start]. It takes in any
// letters, digits and dots that follow, so that `1.5`, `1e3` and `12ab` fail as one bad number
// instead of splitting into confusing tokens.
func lexInt(s string, start int) (token, int, error) {
	end := start + 1
	for end < len(s) && (isWordByte(s[end]) || s[end] == '.') {
		end++
	}

	text := s[start:end]
	digits := strings.TrimPrefix(text, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		if strings.Contains(digits, ".") {
			return token{}, 0, syntaxErr(start, "only integers are supported")
		}
		return token{}, 0, syntaxErr(start, "invalid number")
	}

	// Only digits and a sign remain, so the one possible error is a value outside int64.
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return token{}, 0, syntaxErr(start, "integer out of range")
	}
	return token{kind: tokInt, pos: start, num: n}, end, nil
}

func isDigit(c byte) bool {
	return '0' <= c && c <= '9'
}

func isWordStart(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
}

func isWordByte(c byte) bool {
	return isWordStart(c) || isDigit(c)
}

// isFieldName reports whether w has the form of a field name, [a-z_][a-z0-9_]*.
func isFieldName(w string) bool {
	if w == "" || isDigit(w[0]) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !('a' <= c && c <= 'z' || c == '_' || isDigit(c)) {
			return false
		}
	}
	return true
}
