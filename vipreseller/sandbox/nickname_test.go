package sandbox

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNickname(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := call(t, sb, EndpointGame, "get-nickname", "code", "mobile-legends", "target", "136216325", "additional_target", "2685")
	require.True(t, a.Result, a.Message)
	assert.Equal(t, "Success.", a.Message)
	var name string
	require.NoError(t, json.Unmarshal(a.Data, &name))
	assert.NotEmpty(t, name)
	again := call(t, sb, EndpointGame, "get-nickname", "code", "mobile-legends", "target", "136216325", "additional_target", "2685")
	assert.Equal(t, string(a.Data), string(again.Data), "deterministic")
	other := call(t, sb, EndpointGame, "get-nickname", "code", "free-fire", "target", "99887766")
	assert.True(t, other.Result)

	cases := []struct {
		kv  []string
		msg string
	}{
		{[]string{"code", "mobile-legends", "target", "1"}, "Masih ada parameter yang kosong."},
		{[]string{"code", "honkai-star-rail", "target", "1", "additional_target", ""}, "Masih ada parameter yang kosong."},
		{[]string{"code", "free-fire"}, "Masih ada parameter yang kosong."},
		{[]string{"code", "minecraft", "target", "1"}, "Kode game tidak ditemukan."},
		{[]string{"code", "pubgm", "target", "5551404"}, "ID tidak ditemukan."},
	}
	for _, tc := range cases {
		a := call(t, sb, EndpointGame, "get-nickname", tc.kv...)
		assert.False(t, a.Result, tc.kv)
		assert.Equal(t, tc.msg, a.Message, tc.kv)
	}
	for code := range nicknameGames {
		assert.True(t, call(t, sb, EndpointGame, "get-nickname", "code", code, "target", "42", "additional_target", "os_asia").Result, code)
	}
	assert.Equal(t, 5+3+len(nicknameGames), sb.Count(EndpointGame, "get-nickname"))
}
