package flexjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBoolAndString(t *testing.T) {
	for in, want := range map[string]bool{`true`: true, `false`: false, `"1"`: true, `"0"`: false, `1`: true,
		`0`: false, `"true"`: true, `"false"`: false, `""`: false, `null`: false, `"TRUE"`: true, ` " 1 " `: true} {
		got, err := Bool(json.RawMessage(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`2`, `"yes"`, `{}`} {
		_, err := Bool(json.RawMessage(bad))
		assert.Error(t, err, bad)
	}
	for in, want := range map[string]string{`"1"`: "1", `1`: "1", `3249`: "3249", `null`: "", ``: "",
		`"a\"b"`: `a"b`, `true`: "true", `" x "`: " x "} {
		got, err := String(json.RawMessage(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`{"a":1}`, `[1]`, `tru`} {
		_, err := String(json.RawMessage(bad))
		assert.Error(t, err, bad)
	}
}

func TestNumberText(t *testing.T) {
	for in, want := range map[string]string{`10`: "10", `" 10.50 "`: "10.50", `null`: "", `""`: "", `-3`: "-3"} {
		got, err := NumberText(json.RawMessage(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := NumberText(json.RawMessage(`true`))
	assert.EqualError(t, err, "want a number, got a boolean")
	_, err = NumberText(json.RawMessage(`[1]`))
	assert.EqualError(t, err, "want a number, got an array")
}

func TestTruncate(t *testing.T) {
	assert.Equal(t, "short", Truncate("short"))
	assert.Equal(t, strings.Repeat("x", 40)+"…", Truncate(strings.Repeat("x", 41)))
}

func TestObjectKeepsTheFirstFieldError(t *testing.T) {
	o, err := Read([]byte(`{"a":"1","b":{},"c":"x","n":null}`))
	require.NoError(t, err)
	assert.True(t, Field(o, "a", Bool))
	assert.False(t, Field(o, "b", Bool))
	assert.False(t, Field(o, "c", Bool))
	assert.Equal(t, "", Field(o, "missing", String))
	assert.True(t, o.Has("n"))
	assert.False(t, o.Has("missing"))
	require.Error(t, o.Err())
	assert.Contains(t, o.Err().Error(), `field "b"`)
	o.Fail("z", errors.New("later"))
	assert.Contains(t, o.Err().Error(), `field "b"`)

	o, err = Read([]byte(`null`))
	require.NoError(t, err)
	assert.Nil(t, o.Fields)
	_, err = Read([]byte(`[1]`))
	assert.Error(t, err)
}
