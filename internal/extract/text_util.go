package extract

import (
	"strings"
	"unicode"
)

// lineBuilder accumulates text with white space collapsed to single spaces and trimmed at both
// ends. &nbsp; (U+00A0), the ideographic space (U+3000) and other Unicode spaces count as
// white space; zero-width characters and soft hyphens are dropped.
type lineBuilder struct {
	b       strings.Builder
	pending bool
}

func (l *lineBuilder) add(s string) {
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			if l.b.Len() > 0 {
				l.pending = true
			}
		case isInvisible(r):
		default:
			if l.pending {
				l.b.WriteByte(' ')
				l.pending = false
			}
			l.b.WriteRune(r)
		}
	}
}

// take returns the collected text and resets the builder.
func (l *lineBuilder) take() string {
	s := l.b.String()
	l.b.Reset()
	l.pending = false
	return s
}

func (l *lineBuilder) empty() bool { return l.b.Len() == 0 }

// isInvisible reports runes that carry no visible text: zero-width spaces and joiners, the
// BOM used as a zero-width no-break space, soft hyphens and C0 controls.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return r < 0x20 || r == 0x7f
}

// collapse returns s with white space collapsed and trimmed (see lineBuilder).
func collapse(s string) string {
	var l lineBuilder
	l.add(s)
	return l.take()
}

// removeSpaces returns s without any white space (for comparing labels such as "索 引 号").
func removeSpaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || isInvisible(r) {
			return -1
		}
		return r
	}, s)
}
