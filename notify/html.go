package notify

import (
	"html"
	"regexp"
	"strings"
)

// blankLines separates paragraphs: a line holding nothing but spaces.
var blankLines = regexp.MustCompile(`\n[ \t]*\n\s*`)

// RenderHTML turns a rendered plain-text notification into a minimal HTML
// e-mail body to send alongside the text part: everything escaped, a
// paragraph per blank-line-separated block, line breaks kept. Mail clients
// reflow plain text; this keeps the lines of a token or an invoice as the
// template author wrote them.
func RenderHTML(text string) string {
	text = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n")
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"></head>` +
		`<body style="font-family:sans-serif;font-size:15px;line-height:1.5;color:#222">` + "\n")
	for _, p := range blankLines.Split(strings.TrimSpace(text), -1) {
		if p == "" {
			continue
		}
		lines := strings.Split(p, "\n")
		for i, l := range lines {
			lines[i] = html.EscapeString(strings.TrimRight(l, " \t"))
		}
		b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
	}
	b.WriteString("</body></html>\n")
	return b.String()
}
