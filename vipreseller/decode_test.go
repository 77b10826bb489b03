package vipreseller

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPriceVariants(t *testing.T) {
	cases := map[string]Price{
		`{"basic":3310,"premium":3260,"special":3235}`:        {3310, 3260, 3235},
		`{"basic":"3310","premium":"3260","special":"3235"}`:  {3310, 3260, 3235},
		`{"basic":3310.0,"premium":"3260.00","special":null}`: {3310, 3260, 0},
		`20110`:   {20110, 20110, 20110},
		`"20110"`: {20110, 20110, 20110},
		`""`:      {},
		`null`:    {},
	}
	for in, want := range cases {
		var p Price
		require.NoError(t, json.Unmarshal([]byte(in), &p), in)
		assert.Equal(t, want, p, in)
	}
	for _, bad := range []string{`"12.5"`, `"abc"`, `true`, `[1]`, `{"basic":"1,000"}`} {
		var p Price
		assert.Error(t, json.Unmarshal([]byte(bad), &p), bad)
	}
}

func TestFlexInt(t *testing.T) {
	ok := map[string]int64{`522`: 522, `"522"`: 522, `" 522 "`: 522, `""`: 0, `null`: 0, `1000.0`: 1000,
		`"1000.00"`: 1000, `-5`: -5, `0`: 0}
	for in, want := range ok {
		got, err := flexInt(json.RawMessage(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{`1000.5`, `"1e3x"`, `"."`, `{}`, `false`, `"12,5"`} {
		_, err := flexInt(json.RawMessage(bad))
		assert.Error(t, err, bad)
	}
}

func TestLenientRows(t *testing.T) {
	var g GameService
	require.NoError(t, json.Unmarshal([]byte(`{"code":"X","game":"G","price":"1000","server":1,"status":"available","extra":{"x":1}}`), &g))
	assert.Equal(t, "1", g.Server)
	assert.Equal(t, Price{1000, 1000, 1000}, g.Price)

	var p PrepaidService
	require.NoError(t, json.Unmarshal([]byte(`{"code":"P","multi_trx":"1","maintenance":"00:00 - 01:00","price":{"basic":"100","premium":"90","special":"80"}}`), &p))
	assert.True(t, p.MultiTrx)
	assert.Equal(t, "00:00 - 01:00", p.Maintenance, "correct spelling accepted too")
	assert.Equal(t, Price{100, 90, 80}, p.Price)

	require.NoError(t, json.Unmarshal([]byte(`{"code":"P","multi_trx":0,"maintenace":"23:44 - 00:16"}`), &p))
	assert.False(t, p.MultiTrx)
	assert.Equal(t, "23:44 - 00:16", p.Maintenance)

	var s SocialService
	require.NoError(t, json.Unmarshal([]byte(`{"id":3249,"min":100,"max":"5000","price":1200}`), &s))
	assert.Equal(t, "3249", s.ID)
	assert.Equal(t, int64(5000), s.Max)

	var tr Transaction
	require.NoError(t, json.Unmarshal([]byte(`{"trxid":123,"data":136216325,"price":"195695","balance":"","quantity":null}`), &tr))
	assert.Equal(t, "123", tr.TrxID)
	assert.Equal(t, "136216325", tr.Data)
	assert.Equal(t, int64(195695), tr.Price)
	assert.Equal(t, `{"trxid":123,"data":136216325,"price":"195695","balance":"","quantity":null}`, string(tr.Raw))

	var pr Profile
	require.NoError(t, json.Unmarshal([]byte(`{"full_name":"A","balance":"522","point":"0","level":"Basic"}`), &pr))
	assert.Equal(t, int64(522), pr.Balance)

	assert.Error(t, json.Unmarshal([]byte(`{"code":{"x":1}}`), &g), "an object is not a code")
	assert.Error(t, json.Unmarshal([]byte(`{"trxid":"a","price":"12.5"}`), &tr), "fractional money is rejected")
}

func TestEnvelopeResultSpellings(t *testing.T) {
	for _, r := range []string{`true`, `"true"`, `1`, `"1"`} {
		env, err := parseEnvelope([]byte(`{"result":` + r + `,"data":null,"message":"m"}`))
		require.NoError(t, err, r)
		assert.True(t, env.Result, r)
	}
	for _, r := range []string{`false`, `"false"`, `0`, `"0"`} {
		env, err := parseEnvelope([]byte(`{"result":` + r + `,"message":"m"}`))
		require.NoError(t, err, r)
		assert.False(t, env.Result, r)
	}
	for _, bad := range []string{`{"data":[],"message":"m"}`, `{"result":null}`, `{"result":"maybe"}`, `[]`, `<html>`, `{"result":true`} {
		_, err := parseEnvelope([]byte(bad))
		assert.Error(t, err, bad)
	}
	env, err := parseEnvelope([]byte(`{"result":false,"message":["a","b"]}`))
	require.NoError(t, err)
	assert.Equal(t, `["a","b"]`, env.Message)
}

func TestStatusDataAsSingleObject(t *testing.T) {
	one := `{"result":true,"data":{"trxid":"some1d","status":"success","note":"SN123","price":"195695"},"message":"ok"}`
	f := newFake(t, body(200, one))
	list, err := f.client().Prepaid.Status(context.Background(), StatusParams{TrxID: "some1d"})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "SN123", list[0].Note)
	assert.Equal(t, StatusSuccess, list[0].Status)

	f.respond = body(200, `{"result":true,"data":[],"message":"ok"}`)
	list, err = f.client().Prepaid.Status(context.Background(), StatusParams{Limit: 5})
	require.NoError(t, err)
	assert.Empty(t, list)
}

func TestOrderDataAsOneElementArray(t *testing.T) {
	arr := `{"result":true,"data":[{"trxid":"VP1","data":"0812","status":"success","note":"SN-1","price":"10500","balance":"1000"}],"message":"ok"}`
	f := newFake(t, body(200, arr))
	trx, err := f.client().Prepaid.Order(context.Background(), PrepaidOrderParams{Service: "X10", DataNo: "0812"})
	require.NoError(t, err)
	assert.Equal(t, "VP1", trx.TrxID)
	assert.Equal(t, StatusSuccess, trx.Status, "status may already be final at order time")
	assert.Equal(t, int64(10500), trx.Price)
}

func TestDecodeListAndOneShapes(t *testing.T) {
	l, err := decodeList[Transaction](json.RawMessage(`null`), nil)
	require.NoError(t, err)
	assert.Empty(t, l)
	_, err = decodeList[Transaction](json.RawMessage(`"x"`), nil)
	assert.Error(t, err)

	_, err = decodeOne[Transaction](json.RawMessage(`[]`))
	assert.Error(t, err)
	_, err = decodeOne[Transaction](json.RawMessage(`[{"trxid":"a"},{"trxid":"b"}]`))
	assert.Error(t, err)
	_, err = decodeOne[Transaction](json.RawMessage(`[[{"trxid":"a"}]]`))
	assert.Error(t, err)
	one, err := decodeOne[Transaction](json.RawMessage(`[{"trxid":"a"}]`))
	require.NoError(t, err)
	assert.Equal(t, "a", one.TrxID)
}

func TestPriceForLevelFromProfile(t *testing.T) {
	p := Price{3310, 3260, 3235}
	assert.Equal(t, int64(3235), p.ForLevel("Special"))
	assert.Equal(t, int64(3260), p.ForLevel("Premium"))
	assert.Equal(t, int64(3310), p.ForLevel("Basic"))
	assert.Equal(t, "special", LevelTier("H2H"))
}

func TestCatalogSkipsMalformedRowsButNotAll(t *testing.T) {
	list := `{"result":true,"data":[{"code":"BAD","game":"G","price":"-","status":"available"},
	 {"code":"OK","game":"G","price":100,"status":"available"}],"message":"ok"}`
	f := newFake(t, body(200, list))
	var logs bytes.Buffer
	c := f.client(WithLogger(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	got, err := c.Game.Services(context.Background(), GameServicesParams{})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "OK", got[0].Code)
	assert.Contains(t, logs.String(), "skipped=1")
	assert.Contains(t, logs.String(), `data[0]`)

	f.respond = body(200, `{"result":true,"data":[{"code":"BAD","price":"-"},{"code":{}}],"message":"ok"}`)
	_, err = c.Game.Services(context.Background(), GameServicesParams{})
	require.ErrorIs(t, err, ErrTransport, "a catalog with no readable row is malformed")
	assert.Contains(t, err.Error(), "malformed data")

	// Transactions stay strict: a half-read status answer is an error.
	f.respond = body(200, `{"result":true,"data":[{"trxid":"a","price":"-"},{"trxid":"b"}],"message":"ok"}`)
	_, err = c.Game.Status(context.Background(), StatusParams{Limit: 2})
	require.ErrorIs(t, err, ErrTransport)
}
