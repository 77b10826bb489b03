package hooks

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
)

// ok writes the original integration's success envelope.
func ok(e *core.RequestEvent, data any) error {
	return e.JSON(http.StatusOK, map[string]any{"success": true, "data": data})
}

// flexText accepts a JSON string or number (apps send phone numbers and
// player IDs either way) and keeps it as text, digits intact.
type flexText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *flexText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		*t = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = flexText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*t = flexText(n.String())
	return nil
}
