package sandbox

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogDeterministic(t *testing.T) {
	a, _ := newSB(t, Config{Seed: 42})
	b, _ := newSB(t, Config{Seed: 42})
	c, _ := newSB(t, Config{Seed: 43})
	for _, ep := range []string{EndpointGame, EndpointPrepaid, EndpointSocial} {
		x := call(t, a, ep, "services").Data
		assert.JSONEq(t, string(x), string(call(t, b, ep, "services").Data), ep)
		assert.NotEqual(t, string(x), string(call(t, c, ep, "services").Data), ep)
	}
}

func TestCatalogSizesAndUniqueness(t *testing.T) {
	sb, _ := newSB(t, Config{GameServices: 5, PrepaidServices: 300, SocialServices: 1000})
	assert.Equal(t, len(wellKnownGame()), sb.ServiceCount(EndpointGame), "well-known rows are always kept")
	assert.Equal(t, 300, sb.ServiceCount(EndpointPrepaid))
	assert.Equal(t, 1000, sb.ServiceCount("social"))
	assert.Zero(t, sb.ServiceCount("postpaid"))
}

func TestCatalog20k(t *testing.T) {
	start := time.Now()
	sb := New(Config{GameServices: 8000, PrepaidServices: 7000, SocialServices: 5000, Seed: 7})
	gen := time.Since(start)
	assert.Less(t, gen, time.Second)
	assert.Equal(t, 8000, sb.ServiceCount(EndpointGame))
	assert.Equal(t, 7000, sb.ServiceCount(EndpointPrepaid))
	assert.Equal(t, 5000, sb.ServiceCount(EndpointSocial))
	for ep, c := range sb.catalogs {
		seen := make(map[string]bool, len(c.list))
		for _, sv := range c.list {
			require.False(t, seen[sv.code], "%s duplicate %s", ep, sv.code)
			seen[sv.code] = true
		}
	}
	rows := list(t, call(t, sb, EndpointGame, "services"))
	assert.Len(t, rows, 8000)

	// The unfiltered list is cached: the second answer is the same bytes.
	first := sb.catalogs[EndpointGame].fullBody()
	assert.Same(t, &first[0], &sb.catalogs[EndpointGame].fullBody()[0])
	start = time.Now()
	for range 20 {
		call(t, sb, EndpointGame, "services")
	}
	t.Logf("generate %v, 20 cached lists %v", gen, time.Since(start))
}

func TestCatalogMutations(t *testing.T) {
	sb, _ := newSB(t, Config{})
	before := call(t, sb, EndpointGame, "services").Data

	require.NoError(t, sb.SetServiceStatus(EndpointGame, "ML14-S14", "empty"))
	rows := list(t, call(t, sb, EndpointGame, "services"))
	assert.Equal(t, "empty", findRow(rows, "code", "ML14-S14")["status"])
	assert.NotEqual(t, string(before), string(call(t, sb, EndpointGame, "services").Data), "cache invalidated")
	a := call(t, sb, EndpointGame, "order", "service", "ML14-S14", "data_no", "1")
	assert.Equal(t, "Layanan tidak ditemukan atau saat ini tidak tersedia.", a.Message)
	require.NoError(t, sb.SetServiceStatus(EndpointGame, "ML14-S14", "available"))

	require.NoError(t, sb.SetServicePrice(EndpointPrepaid, "PLN20", 21000, 20900, 20800))
	rows = list(t, call(t, sb, EndpointPrepaid, "services"))
	assert.Equal(t, map[string]any{"basic": 21000.0, "premium": 20900.0, "special": 20800.0}, findRow(rows, "code", "PLN20")["price"])
	assert.EqualValues(t, 20800, order(t, sb, EndpointPrepaid, "service", "PLN20", "data_no", "5123")["price"])

	require.NoError(t, sb.RemoveService(EndpointSocial, "1001"))
	assert.Equal(t, 39, sb.ServiceCount(EndpointSocial))
	assert.Nil(t, findRow(list(t, call(t, sb, EndpointSocial, "services")), "id", "1001"))
	a = call(t, sb, EndpointSocial, "order", "service", "1001", "data", "someone", "quantity", "100")
	assert.Equal(t, "Layanan tidak ditemukan atau saat ini tidak tersedia.", a.Message)

	require.NoError(t, sb.SetStock("NETFLIX1M-S1", 3))
	n, err := sb.Stock("NETFLIX1M-S1")
	require.NoError(t, err)
	assert.EqualValues(t, 3, n)

	assert.True(t, errors.Is(sb.SetServiceStatus(EndpointGame, "ML14-S14", "broken"), ErrInvalidStatus))
	assert.True(t, errors.Is(sb.SetServicePrice("postpaid", "X", 1, 1, 1), ErrUnknownEndpoint))
	assert.True(t, errors.Is(sb.RemoveService(EndpointGame, "NOPE"), ErrUnknownService))
	assert.True(t, errors.Is(sb.SetStock("ML14-S14", 5), ErrNotStockTracked))
	_, err = sb.Stock("FF5-S13")
	assert.True(t, errors.Is(err, ErrNotStockTracked))
}
