package sandbox

import (
	"hash/fnv"
	"net/url"
	"strings"
)

const (
	msgNicknameOK      = "Success."
	msgGameCodeUnknown = "Kode game tidak ditemukan."
	msgPlayerUnknown   = "ID tidak ditemukan."
)

// nicknameGames lists the provider's nickname game codes; true = the zone
// (additional_target) is required.
var nicknameGames = map[string]bool{
	"mobile-legends":        true,
	"mobile-legends-region": true,
	"free-fire":             false,
	"pubgm":                 false,
	"valorant":              false,
	"genshin-impact":        true,
	"honkai-star-rail":      true,
	"pointblank":            false,
}

var nickSyllables = []string{
	"ka", "ri", "to", "mi", "sa", "na", "ra", "yu", "ze", "lo", "di", "ta",
	"co", "ma", "ve", "ni", "ko", "ga", "shi", "ro", "an", "el", "xi", "bo",
}

// nickname answers game-feature type=get-nickname. Target IDs ending in
// "404" do not exist; every other target has a stable made-up name.
func nickname(form url.Values) reply {
	code := strings.TrimSpace(form.Get("code"))
	target := strings.TrimSpace(form.Get("target"))
	zone := strings.TrimSpace(form.Get("additional_target"))
	if code == "" || target == "" {
		return failReply(msgMissingParam)
	}
	needZone, ok := nicknameGames[code]
	switch {
	case !ok:
		return failReply(msgGameCodeUnknown)
	case needZone && zone == "":
		return failReply(msgMissingParam)
	case strings.HasSuffix(target, "404"):
		return failReply(msgPlayerUnknown)
	}
	return okReply(nickFor(code, target), msgNicknameOK)
}

// nickFor derives a name like "Kariyu" from the game and target.
func nickFor(code, target string) string {
	h := fnv.New64a()
	_, _ = h.Write([]byte(code + "|" + target))
	x := h.Sum64()
	var b strings.Builder
	n := 2 + int(x%3)
	x /= 3
	for range n {
		b.WriteString(nickSyllables[x%uint64(len(nickSyllables))])
		x /= uint64(len(nickSyllables))
	}
	name := b.String()
	if x%4 == 0 {
		name += string(rune('0' + x%10))
	}
	return strings.ToUpper(name[:1]) + name[1:]
}
