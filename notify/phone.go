package notify

import (
	"regexp"
	"strings"
)

// mobileRe is an Indonesian mobile number in the form Fonnte and the users
// collection keep: 62, then 8, then 7 to 12 more digits.
var mobileRe = regexp.MustCompile(`^628[0-9]{7,12}$`)

// NormalisePhone turns an Indonesian mobile number as people type it
// (0812…, 812…, +62 812-…, 62812…, (0812) 3456.7890, +62 (0)812…, 0062…)
// into "62812…". ok is false, and the result "", for anything that is not
// then ^628[0-9]{7,12}$: landlines, foreign numbers, letters.
func NormalisePhone(s string) (string, bool) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", false
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "0062"):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		d = "62" + d[1:]
	case strings.HasPrefix(d, "8"):
		d = "62" + d
	}
	// "+62 (0)812…": the trunk 0 written after the country code.
	if strings.HasPrefix(d, "620") {
		d = "62" + d[3:]
	}
	if !mobileRe.MatchString(d) {
		return "", false
	}
	return d, true
}
