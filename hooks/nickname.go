package hooks

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/vipbase/vipbase/vipreseller"
)

// NicknameRateLabel is the PocketBase rate-limit rule that guards the
// nickname route per IP (see the rate limits migration).
const NicknameRateLabel = "GET /api/games/nickname"

const (
	nicknameTTL        = 10 * time.Minute
	nicknameMissTTL    = time.Minute
	nicknameCacheLimit = 10000
)

// nicknameCache remembers provider answers so a shopper retyping an ID, or
// many shoppers of one streamer, do not spend the provider's rate limit.
type nicknameCache struct {
	mu      sync.Mutex
	entries map[string]nicknameEntry
}

type nicknameEntry struct {
	name    string // "" = the provider said the player does not exist
	expires time.Time
}

func (c *nicknameCache) get(key string) (nicknameEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || time.Now().After(e.expires) {
		return nicknameEntry{}, false
	}
	return e, true
}

func (c *nicknameCache) put(key, name string, ttl time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= nicknameCacheLimit {
		c.entries = make(map[string]nicknameEntry) // crude but bounded
	}
	c.entries[key] = nicknameEntry{name: name, expires: time.Now().Add(ttl)}
}

func (s *Service) registerNicknameRoute() {
	s.app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.GET("/api/games/nickname", s.handleNickname)
		return se.Next()
	})
}

// handleNickname answers GET /api/games/nickname?game=&userId=&zoneId=.
// game is a provider nickname code (mobile-legends, free-fire, …) or the
// code of a game product that has one.
func (s *Service) handleNickname(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	game, userID, zone := strings.TrimSpace(q.Get("game")), strings.TrimSpace(q.Get("userId")), strings.TrimSpace(q.Get("zoneId"))
	fields := validation.Errors{}
	if game == "" {
		fields["game"] = errGameRequired
	}
	if !reGameID.MatchString(userID) {
		fields["userId"] = errTargetGame
	}
	if zone != "" && !reGameID.MatchString(zone) {
		fields["zoneId"] = errZoneInvalid
	}
	if len(fields) > 0 {
		return fieldsError(fields)
	}
	code, needsZone := s.nicknameCode(game)
	if code == "" {
		return apiError(http.StatusBadRequest, CodeNoNicknameCheck, "This game has no nickname check.", nil)
	}
	if needsZone && zone == "" {
		return fieldsError(validation.Errors{"zoneId": errZoneRequired})
	}
	if s.client == nil {
		return unavailable()
	}
	key := code + "\x1f" + userID + "\x1f" + zone
	if c, hit := s.nick.get(key); hit {
		return nicknameAnswer(e, c.name)
	}
	n, err := s.client.Game.Nickname(e.Request.Context(), vipreseller.NicknameParams{Code: code, Target: userID, Zone: zone})
	// Only a definite "no such player" is remembered: maintenance or a busy
	// budget must not turn into "not found" for ten minutes.
	var apiErr *vipreseller.APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.PlayerNotFound():
		s.nick.put(key, "", nicknameMissTTL)
		return nicknameAnswer(e, "")
	case errors.Is(err, vipreseller.ErrBusy):
		return apiError(http.StatusServiceUnavailable, CodeProviderBusy, "The nickname check is busy; try again in a moment.", nil)
	case err != nil:
		return apiError(http.StatusBadGateway, CodeProviderUnavailable, "The nickname check is not available right now; try again.", err)
	}
	s.nick.put(key, n.Name, nicknameTTL)
	return nicknameAnswer(e, n.Name)
}

func nicknameAnswer(e *core.RequestEvent, name string) error {
	if name == "" {
		return apiError(http.StatusNotFound, CodePlayerNotFound, "Player not found. Check the ID (and zone).", nil)
	}
	return ok(e, map[string]any{"nickname": name})
}

// nicknameCode resolves the game parameter: a known nickname code, or a
// game product's configured nickname_code.
func (s *Service) nicknameCode(game string) (code string, needsZone bool) {
	if i := slices.IndexFunc(nicknameGames, func(n nicknameGame) bool { return n.code == game }); i >= 0 {
		return nicknameGames[i].code, nicknameGames[i].zone
	}
	p, err := s.app.FindFirstRecordByFilter("products", "category = 'game' && active = true && code = {:c}", dbx.Params{"c": game})
	if err != nil {
		return "", false
	}
	return p.GetString("nickname_code"), p.GetBool("needs_zone")
}
