package sandbox

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func findRow(rows []map[string]any, key, val string) map[string]any {
	for _, r := range rows {
		if r[key] == val {
			return r
		}
	}
	return nil
}

func TestGameServicesShape(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := call(t, sb, EndpointGame, "services")
	require.True(t, a.Result)
	assert.Equal(t, "Daftar layanan berhasil didapatkan.", a.Message)
	rows := list(t, a)
	assert.Len(t, rows, 60)
	ml := findRow(rows, "code", "ML14-S14")
	require.NotNil(t, ml)
	assert.Equal(t, map[string]any{
		"code": "ML14-S14", "game": "Mobile Legends A", "name": "14 Diamonds ( 13 + 1 Bonus )",
		"price":  map[string]any{"basic": 3310.0, "premium": 3260.0, "special": 3235.0},
		"server": "1", "status": "available",
	}, ml)
	for _, code := range []string{"ML86-S2", "ML172-S2", "ML257-S2", "FF5-S13", "FF100-S13", "FF140-S13",
		"FFMAX100-S24", "GI60-S24", "IQIYISHARED-S1", "NETFLIX1M-S1", "SPOTIFY1M-S1", "MLGIFT269-S1"} {
		assert.NotNil(t, findRow(rows, "code", code), code)
	}
	assert.Equal(t, "Mobile Legends B", findRow(rows, "code", "ML86-S2")["game"])
	assert.Equal(t, "empty", findRow(rows, "code", "MLGIFT269-S1")["status"])
	assert.Equal(t, map[string]any{"basic": 11000.0, "premium": 10000.0, "special": 9700.0}, findRow(rows, "code", "IQIYISHARED-S1")["price"])
	for _, r := range rows {
		assert.IsType(t, "", r["server"])
		p := r["price"].(map[string]any)
		assert.GreaterOrEqual(t, p["basic"], p["premium"], r["code"])
		assert.GreaterOrEqual(t, p["premium"], p["special"], r["code"])
	}
}

func TestGameServicesFilters(t *testing.T) {
	sb, _ := newSB(t, Config{})
	for _, kv := range [][]string{
		{"filter_type", "game", "filter_value", "Free Fire"},
		{"filter_game", "free fire"},
	} {
		rows := list(t, call(t, sb, EndpointGame, "services", kv...))
		require.NotEmpty(t, rows)
		for _, r := range rows {
			assert.Equal(t, "Free Fire", r["game"])
		}
		assert.NotNil(t, findRow(rows, "code", "FF100-S13"))
	}
	empty := list(t, call(t, sb, EndpointGame, "services", "filter_status", "empty"))
	require.NotEmpty(t, empty)
	for _, r := range empty {
		assert.Equal(t, "empty", r["status"])
	}
	none := call(t, sb, EndpointGame, "services", "filter_game", "No Such Game")
	assert.True(t, none.Result)
	assert.JSONEq(t, `[]`, string(none.Data))
}

func TestPrepaidServicesShape(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := call(t, sb, EndpointPrepaid, "services")
	require.True(t, a.Result)
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(a.Data, &raw))
	require.Len(t, raw, 81, "80 services plus the empty first row")
	assert.JSONEq(t, `{"brand":"","code":"","name":"","note":"","price":"","status":"","multi_trx":"","maintenace":"","category":"","prepost":"","type":""}`, string(raw[0]))
	assert.Equal(t, 80, sb.ServiceCount(EndpointPrepaid))

	rows := list(t, a)
	assert.Equal(t, map[string]any{
		"brand": "XL", "code": "XLDHR3", "name": "XL HOTROD 3 GB / 30 Hari", "note": "-",
		"price":  map[string]any{"basic": 48225.0, "premium": 48200.0, "special": 48175.0},
		"status": "available", "multi_trx": true, "maintenace": "23:44 - 00:16",
		"category": "Hotrod", "prepost": "prepaid", "type": "paket-internet",
	}, findRow(rows, "code", "XLDHR3"))
	want := map[string][2]string{
		"TELKOMSEL_10K": {"TELKOMSEL", "pulsa-reguler"}, "TELKOMSEL_25K": {"TELKOMSEL", "pulsa-reguler"},
		"INDOSAT10": {"INDOSAT", "pulsa-reguler"}, "PLN20": {"PLN", "token-pln"}, "PLN50": {"PLN", "token-pln"},
		"DANA25": {"DANA", "saldo-emoney"},
	}
	for code, bt := range want {
		r := findRow(rows, "code", code)
		require.NotNil(t, r, code)
		assert.Equal(t, bt[0], r["brand"], code)
		assert.Equal(t, bt[1], r["type"], code)
	}
	for _, r := range rows[1:] {
		if r["type"] != "pulsa-reguler" {
			continue
		}
		p := r["price"].(map[string]any)
		assert.GreaterOrEqual(t, p["basic"], p["premium"])
		assert.GreaterOrEqual(t, p["premium"], p["special"])
	}
}

func TestPrepaidServicesFilters(t *testing.T) {
	sb, _ := newSB(t, Config{})
	byType := list(t, call(t, sb, EndpointPrepaid, "services", "filter_type", "type", "filter_value", "token-pln"))
	require.NotEmpty(t, byType)
	assert.NotEqual(t, "", byType[0]["code"], "filtered lists carry no empty artefact row")
	for _, r := range byType {
		assert.Equal(t, "token-pln", r["type"])
	}
	byBrand := list(t, call(t, sb, EndpointPrepaid, "services", "filter_type", "brand", "filter_value", "XL"))
	require.NotEmpty(t, byBrand)
	for _, r := range byBrand {
		assert.Equal(t, "XL", r["brand"])
	}
	assert.NotNil(t, findRow(byBrand, "code", "XLDHR3"))
}

func TestSocialServicesShape(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := call(t, sb, EndpointSocial, "services")
	require.True(t, a.Result)
	rows := list(t, a)
	assert.Len(t, rows, 40)
	assert.Equal(t, map[string]any{
		"id": "3249", "category": "TikTok", "name": "TikTok Views", "note": "Masukkan link video.",
		"min": "100", "max": "100000",
		"price":  map[string]any{"basic": 1200.0, "premium": 1150.0, "special": 1100.0},
		"status": "available",
	}, findRow(rows, "id", "3249"))
	ig := findRow(rows, "id", "1001")
	require.NotNil(t, ig)
	assert.Equal(t, "Instagram Followers", ig["name"])
	assert.Equal(t, "50", ig["min"])
	assert.Equal(t, "10000", ig["max"])
	for _, r := range rows {
		assert.IsType(t, "", r["id"])
		assert.IsType(t, "", r["min"])
		assert.IsType(t, "", r["max"])
	}
	tiktok := list(t, call(t, sb, EndpointSocial, "services", "filter_type", "category", "filter_value", "TikTok"))
	require.NotEmpty(t, tiktok)
	for _, r := range tiktok {
		assert.Equal(t, "TikTok", r["category"])
	}
}

func TestServiceStock(t *testing.T) {
	sb, _ := newSB(t, Config{})
	a := call(t, sb, EndpointGame, "service-stock", "service", "NETFLIX1M-S1")
	require.True(t, a.Result, a.Message)
	assert.Equal(t, "Stok tersedia.", a.Message)
	assert.JSONEq(t, `{"code":"NETFLIX1M-S1","name":"Netflix Premium 1 Bulan Sharing",
		"price":{"basic":35000,"premium":33500,"special":32900},
		"description":"Akun Netflix Premium sharing 1 profil, garansi 30 hari.","stock":12,"server":1,"status":"available"}`, string(a.Data))

	no := call(t, sb, EndpointGame, "service-stock", "service", "ML14-S14")
	assert.False(t, no.Result)
	assert.Equal(t, "Layanan tidak support untuk cek stock.", no.Message)
	assert.Equal(t, "Layanan tidak ditemukan atau saat ini tidak tersedia.", call(t, sb, EndpointGame, "service-stock", "service", "NOPE").Message)
	assert.Equal(t, "Masih ada parameter yang kosong.", call(t, sb, EndpointGame, "service-stock").Message)
	assert.Equal(t, "Type 'service-stock' is not valid", call(t, sb, EndpointPrepaid, "service-stock", "service", "PLN20").Message)

	// An order takes one unit; at 0 the item is empty and cannot be ordered.
	require.NoError(t, sb.SetStock("SPOTIFY1M-S1", 1))
	m := order(t, sb, EndpointGame, "service", "SPOTIFY1M-S1", "data_no", "buyer@example.com")
	assert.Equal(t, "Spotify Premium - Spotify Premium 1 Bulan Individual", m["service"])
	stock := obj(t, call(t, sb, EndpointGame, "service-stock", "service", "SPOTIFY1M-S1"))
	assert.EqualValues(t, 0, stock["stock"])
	assert.Equal(t, "empty", stock["status"])
	again := call(t, sb, EndpointGame, "order", "service", "SPOTIFY1M-S1", "data_no", "other@example.com")
	assert.False(t, again.Result)
	assert.Equal(t, "Layanan tidak ditemukan atau saat ini tidak tersedia.", again.Message)
	rows := list(t, call(t, sb, EndpointGame, "services"))
	assert.Equal(t, "empty", findRow(rows, "code", "SPOTIFY1M-S1")["status"])
}
