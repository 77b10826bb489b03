package notify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRenderHTML(t *testing.T) {
	out := RenderHTML("Halo <Budi> & co,\r\nPembayaran diterima.\n\n  \nToken: 1234 5678\n\"Terima kasih\"\n")
	assert.True(t, strings.HasPrefix(out, "<!DOCTYPE html>"))
	assert.Contains(t, out, "<p>Halo &lt;Budi&gt; &amp; co,<br>\nPembayaran diterima.</p>\n<p>Token: 1234 5678<br>\n&#34;Terima kasih&#34;</p>\n</body>")
	assert.NotContains(t, out, "<Budi>")
	assert.Equal(t, 2, strings.Count(out, "<p>"))

	assert.NotContains(t, RenderHTML("   \n\n "), "<p>")
}
