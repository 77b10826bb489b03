package vipreseller

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireAuthForm checks what every call must carry: a form POST with key,
// the md5 sign and (except profile) the operation type.
func requireAuthForm(t *testing.T, r seenRequest, path, typ string) {
	t.Helper()
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, path, r.Path)
	mt, _, err := mime.ParseMediaType(r.ContentType)
	require.NoError(t, err)
	assert.Equal(t, "application/x-www-form-urlencoded", mt)
	assert.Equal(t, testKey, r.Form.Get("key"))
	assert.Equal(t, testSign(), r.Form.Get("sign"))
	if typ == "" {
		_, has := r.Form["type"]
		assert.False(t, has, "profile takes no type")
	} else {
		assert.Equal(t, typ, r.Form.Get("type"))
	}
}

func TestSignIsLowercaseMD5OfIDThenKey(t *testing.T) {
	// md5("abc") is the RFC 1321 test vector; "a"+"bc" proves ID comes first.
	assert.Equal(t, "900150983cd24fb0d6963f7d28e17f72", New("a", "bc").sign)
	assert.NotEqual(t, New("a", "bc").sign, New("bc", "a").sign)
}

func TestProfileGet(t *testing.T) {
	f := newFake(t, body(200, fxProfile))
	p, err := f.client().Profile.Get(context.Background())
	require.NoError(t, err)

	r := f.last(t)
	requireAuthForm(t, r, "/profile", "")
	requireFormKeys(t, r.Form, "key", "sign")
	assert.Equal(t, &Profile{FullName: "Alin Koko Mansuby", Username: "Alinko", Balance: 522, Point: 0,
		Level: "Special", Registered: "2023-01-23 17:56:45"}, p)
	assert.Equal(t, 1, f.count(EndpointProfile, ""))
}

func TestBaseURLToleratesTrailingSlash(t *testing.T) {
	f := newFake(t, body(200, fxProfile))
	c := f.client(WithBaseURL(f.srv.URL + "/"))
	assert.Equal(t, f.srv.URL, c.BaseURL())
	_, err := c.Profile.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "/profile", f.last(t).Path)

	assert.Equal(t, DefaultBaseURL, New(testID, testKey).BaseURL())
}

func TestConfigured(t *testing.T) {
	assert.True(t, New(testID, testKey).Configured())
	assert.False(t, New("", testKey).Configured())
	assert.False(t, New(testID, " ").Configured())

	f := newFake(t, body(200, fxProfile))
	_, err := New("", "", WithBaseURL(f.srv.URL)).Profile.Get(context.Background())
	require.ErrorIs(t, err, ErrNotConfigured)
	assert.Zero(t, f.total(), "an unconfigured client must not send anything")
}

func TestGameServicesFiltersSentAndAppliedLocally(t *testing.T) {
	// The provider ignores the filters and returns every game.
	list := `{"result":true,"data":[
	 {"code":"ML14-S14","game":"Mobile Legends A","name":"14 Diamonds","price":{"basic":3310,"premium":3260,"special":3235},"server":"1","status":"empty"},
	 {"code":"ML5-S1","game":"Mobile Legends A","name":"5 Diamonds","price":1500,"server":"1","status":"available"},
	 {"code":"FF5-S13","game":"Free Fire","name":"5 Diamonds","price":853,"server":"1","status":"available"},
	 {"code":"","game":"Mobile Legends A","name":"","price":0,"server":"","status":"available"}],"message":"ok"}`
	f := newFake(t, body(200, list))
	got, err := f.client().Game.Services(context.Background(), GameServicesParams{Game: "Mobile Legends A", Status: "available"})
	require.NoError(t, err)

	r := f.last(t)
	requireAuthForm(t, r, "/game-feature", "services")
	assert.Equal(t, "game", r.Form.Get("filter_type"))
	assert.Equal(t, "Mobile Legends A", r.Form.Get("filter_value"))
	assert.Equal(t, "Mobile Legends A", r.Form.Get("filter_game"))
	assert.Equal(t, "available", r.Form.Get("filter_status"))
	require.Len(t, got, 1)
	assert.Equal(t, "ML5-S1", got[0].Code)
	assert.Equal(t, Price{1500, 1500, 1500}, got[0].Price)
}

func TestGameServicesUnfilteredDecodesDocExample(t *testing.T) {
	f := newFake(t, body(200, fxGameServices))
	got, err := f.client().Game.Services(context.Background(), GameServicesParams{})
	require.NoError(t, err)
	requireFormKeys(t, f.last(t).Form, "key", "sign", "type")
	require.Len(t, got, 1)
	s := got[0]
	assert.Equal(t, "ML14-S14", s.Code)
	assert.Equal(t, "Mobile Legends A", s.Game)
	assert.Equal(t, "14 Diamonds ( 13 + 1 Bonus )", s.Name)
	assert.Equal(t, Price{Basic: 3310, Premium: 3260, Special: 3235}, s.Price)
	assert.Equal(t, "1", s.Server)
	assert.Equal(t, ServiceEmpty, s.Status)
	assert.Contains(t, string(s.Raw), `"code":"ML14-S14"`)
}

func TestGameOrderSendsZoneSeparately(t *testing.T) {
	f := newFake(t, body(200, fxGameOrder))
	c := f.client()
	trx, err := c.Game.Order(context.Background(), GameOrderParams{Service: "ML1048-S1", DataNo: "136216325", Zone: "2685"})
	require.NoError(t, err)

	r := f.last(t)
	requireAuthForm(t, r, "/game-feature", "order")
	requireFormKeys(t, r.Form, "key", "sign", "type", "service", "data_no", "data_zone")
	assert.Equal(t, "ML1048-S1", r.Form.Get("service"))
	assert.Equal(t, "136216325", r.Form.Get("data_no"))
	assert.Equal(t, "2685", r.Form.Get("data_zone"))
	assert.Equal(t, &Transaction{TrxID: "some1d", Data: "136216325", Zone: "2685", Service: "Mobile Legends B - 1048 Diamonds",
		Status: StatusWaiting, Balance: 100000, Price: 195695, Raw: trx.Raw}, trx)
	assert.Contains(t, string(trx.Raw), `"trxid":"some1d"`)

	_, err = c.Game.Order(context.Background(), GameOrderParams{Service: "FF5-S13", DataNo: "99887766"})
	require.NoError(t, err)
	requireFormKeys(t, f.last(t).Form, "key", "sign", "type", "service", "data_no")
	assert.Equal(t, "99887766", f.last(t).Form.Get("data_no"))
	assert.Equal(t, 2, f.count(EndpointGame, "order"))
}

func TestGameServiceStock(t *testing.T) {
	f := newFake(t, body(200, fxServiceStock))
	st, err := f.client().Game.ServiceStock(context.Background(), "CODE-1234")
	require.NoError(t, err)
	r := f.last(t)
	requireAuthForm(t, r, "/game-feature", "service-stock")
	requireFormKeys(t, r.Form, "key", "sign", "type", "service")
	assert.Equal(t, "CODE-1234", r.Form.Get("service"))
	assert.Equal(t, &ServiceStock{Code: "CODE-1234", Name: "PRODUK 1 BULAN", Description: "deskripsi produk",
		Price: Price{2000, 1500, 1200}, Stock: 12, Server: "1", Status: ServiceAvailable}, st)
}

func TestGameNickname(t *testing.T) {
	f := newFake(t, body(200, fxNickname))
	c := f.client()
	n, err := c.Game.Nickname(context.Background(), NicknameParams{Code: "free-fire", Target: "123456789"})
	require.NoError(t, err)
	r := f.last(t)
	requireAuthForm(t, r, "/game-feature", "get-nickname")
	requireFormKeys(t, r.Form, "key", "sign", "type", "code", "target", "additional_target")
	assert.Equal(t, "free-fire", r.Form.Get("code"))
	assert.Equal(t, "123456789", r.Form.Get("target"))
	assert.Equal(t, []string{""}, r.Form["additional_target"], "sent even when empty")
	assert.Equal(t, &Nickname{Name: "Itacimo"}, n)

	f.respond = body(200, `{"result":true,"data":"Itacimo","country":"ID","message":"Success."}`)
	n, err = c.Game.Nickname(context.Background(), NicknameParams{Code: "mobile-legends", Target: "136216325", Zone: "2685"})
	require.NoError(t, err)
	assert.Equal(t, "2685", f.last(t).Form.Get("additional_target"))
	assert.Equal(t, &Nickname{Name: "Itacimo", Country: "ID"}, n)
}

func TestStatusRequestPerEndpoint(t *testing.T) {
	f := newFake(t, body(200, fxStatus))
	c := f.client()
	for _, ep := range []Endpoint{EndpointGame, EndpointPrepaid, EndpointSocial} {
		list, err := c.Status(context.Background(), ep, StatusParams{TrxID: "some1d"})
		require.NoError(t, err, ep)
		r := f.last(t)
		requireAuthForm(t, r, "/"+string(ep), "status")
		requireFormKeys(t, r.Form, "key", "sign", "type", "trxid")
		assert.Equal(t, "some1d", r.Form.Get("trxid"))
		require.Len(t, list, 1)
		assert.Equal(t, StatusError, list[0].Status)
		assert.Equal(t, "Zone tujuan salah.", list[0].Note)
		assert.Equal(t, int64(195695), list[0].Price)

		_, err = c.Status(context.Background(), ep, StatusParams{Limit: 25})
		require.NoError(t, err)
		requireFormKeys(t, f.last(t).Form, "key", "sign", "type", "limit")
		assert.Equal(t, "25", f.last(t).Form.Get("limit"))
		assert.Equal(t, 2, f.count(ep, "status"))
	}
	_, err := c.Status(context.Background(), EndpointProfile, StatusParams{TrxID: "x"})
	require.Error(t, err)
	assert.Equal(t, 6, f.total(), "profile has no status and must not be called")
}

func TestPrepaidServicesSkipsEmptyRow(t *testing.T) {
	f := newFake(t, body(200, fxPrepaidServices))
	got, err := f.client().Prepaid.Services(context.Background(), PrepaidServicesParams{FilterType: "brand", FilterValue: "XL"})
	require.NoError(t, err)
	r := f.last(t)
	requireAuthForm(t, r, "/prepaid", "services")
	assert.Equal(t, "brand", r.Form.Get("filter_type"))
	assert.Equal(t, "XL", r.Form.Get("filter_value"))
	require.Len(t, got, 1)
	s := got[0]
	assert.Equal(t, "XLDHR3", s.Code)
	assert.Equal(t, "XL", s.Brand)
	assert.Equal(t, "XL HOTROD 3 GB / 30 Hari", s.Name)
	assert.Equal(t, "-", s.Note)
	assert.Equal(t, Price{48225, 48200, 48175}, s.Price)
	assert.True(t, s.MultiTrx)
	assert.Equal(t, "23:44 - 00:16", s.Maintenance)
	assert.Equal(t, "Hotrod", s.Category)
	assert.Equal(t, "prepaid", s.Prepost)
	assert.Equal(t, "paket-internet", s.Type)

	// A filter the provider ignored is applied locally.
	got, err = f.client().Prepaid.Services(context.Background(), PrepaidServicesParams{FilterType: "type", FilterValue: "pulsa-reguler"})
	require.NoError(t, err)
	assert.Empty(t, got)

	_, err = f.client().Prepaid.Services(context.Background(), PrepaidServicesParams{})
	require.NoError(t, err)
	requireFormKeys(t, f.last(t).Form, "key", "sign", "type")
}

func TestPrepaidOrderSendsOnlyServiceAndDataNo(t *testing.T) {
	f := newFake(t, body(200, fxPrepaidOrder))
	trx, err := f.client().Prepaid.Order(context.Background(), PrepaidOrderParams{Service: "XLDHR3", DataNo: "081234567890"})
	require.NoError(t, err)
	r := f.last(t)
	requireAuthForm(t, r, "/prepaid", "order")
	requireFormKeys(t, r.Form, "key", "sign", "type", "service", "data_no")
	assert.Equal(t, "XLDHR3", r.Form.Get("service"))
	assert.Equal(t, "081234567890", r.Form.Get("data_no"))
	assert.Equal(t, "VP1234567", trx.TrxID)
	assert.Equal(t, "XLDHR3", trx.Code)
	assert.Equal(t, int64(48225), trx.Price)
	assert.Equal(t, int64(51775), trx.Balance)
}

func TestSocialServicesAndOrder(t *testing.T) {
	f := newFake(t, body(200, fxSocialServices))
	c := f.client()
	got, err := c.Social.Services(context.Background(), SocialServicesParams{Category: "TikTok Views"})
	require.NoError(t, err)
	r := f.last(t)
	requireAuthForm(t, r, "/social-media", "services")
	assert.Equal(t, "category", r.Form.Get("filter_type"))
	assert.Equal(t, "TikTok Views", r.Form.Get("filter_value"))
	require.Len(t, got, 1, "the row without id is dropped")
	assert.Equal(t, "3249", got[0].ID)
	assert.Equal(t, int64(100), got[0].Min)
	assert.Equal(t, int64(1000000), got[0].Max)
	assert.Equal(t, Price{1200, 1150, 1100}, got[0].Price)

	f.respond = body(200, fxSocialOrder)
	trx, err := c.Social.Order(context.Background(), SocialOrderParams{Service: "3249", Data: "https://www.tiktok.com/@someone/video/1", Quantity: 1000})
	require.NoError(t, err)
	r = f.last(t)
	requireAuthForm(t, r, "/social-media", "order")
	requireFormKeys(t, r.Form, "key", "sign", "type", "service", "data", "quantity")
	assert.Equal(t, "https://www.tiktok.com/@someone/video/1", r.Form.Get("data"))
	assert.Equal(t, "1000", r.Form.Get("quantity"))
	assert.Equal(t, "VP7654321", trx.TrxID)
	assert.Equal(t, int64(1000), trx.Quantity)

	f.respond = body(200, fxSocialStatus)
	list, err := c.Social.Status(context.Background(), StatusParams{TrxID: "VP7654321"})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, StatusPartial, list[0].Status)
	assert.Equal(t, int64(250), list[0].Remain)
	assert.Equal(t, int64(4100), list[0].Count)
	assert.Equal(t, int64(1200), list[0].Price)
}

func TestWithHTTPClientIsUsed(t *testing.T) {
	f := newFake(t, body(200, fxProfile))
	rt := &countingTransport{next: http.DefaultTransport}
	hc := &http.Client{Transport: rt}
	_, err := f.client(WithHTTPClient(hc)).Profile.Get(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, rt.n)
	assert.Same(t, rt, hc.Transport, "caller's client untouched")
}

type countingTransport struct {
	next http.RoundTripper
	n    int
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n++
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		panic("not a form post")
	}
	return c.next.RoundTrip(r)
}

// WithClaim: the claim runs after the pacing, right before the one request;
// a failed claim sends nothing and comes back as is.
func TestOrderClaimRunsBeforeTheRequestOnly(t *testing.T) {
	f := newFake(t, body(200, `{"result":true,"data":{"trxid":"T1","data":"0812","service":"X","status":"waiting","price":1},"message":"ok"}`))
	c := f.client()
	claims := 0
	_, err := c.Prepaid.Order(WithClaim(context.Background(), func() error {
		claims++
		assert.Zero(t, f.total(), "claimed before anything is sent")
		return nil
	}), PrepaidOrderParams{Service: "X", DataNo: "0812"})
	require.NoError(t, err)
	assert.Equal(t, 1, claims)
	assert.Equal(t, 1, f.total())

	refused := errors.New("someone else has it")
	_, err = c.Prepaid.Order(WithClaim(context.Background(), func() error { return refused }), PrepaidOrderParams{Service: "X", DataNo: "0812"})
	assert.Same(t, refused, err)
	assert.Equal(t, 1, f.total(), "a refused claim sends nothing")

	// A context that ends after the claim does not cut the request short.
	ctx, cancel := context.WithCancel(context.Background())
	_, err = c.Prepaid.Order(WithClaim(ctx, func() error { cancel(); return nil }), PrepaidOrderParams{Service: "X", DataNo: "0812"})
	require.NoError(t, err)
	assert.Equal(t, 2, f.total())
}
