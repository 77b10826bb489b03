package vipreseller

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	cbID  = "ID123"
	cbKey = "key-456"
)

func TestSign(t *testing.T) {
	// md5("abc"), the RFC 1321 test vector; "a"+"bc" shows the ID comes first.
	assert.Equal(t, "900150983cd24fb0d6963f7d28e17f72", Sign("a", "bc"))
}

// One valid callback, then one mutation of it per way verification fails.
func TestVerifyCallback(t *testing.T) {
	valid := struct{ id, key, header string }{cbID, cbKey, Sign(cbID, cbKey)}
	require.NoError(t, VerifyCallback(valid.id, valid.key, valid.header))

	for name, c := range map[string]struct {
		mutate func(id, key, header *string)
		want   error
	}{
		"no API ID":                      {func(id, _, _ *string) { *id = "" }, ErrCallbackNoCredentials},
		"no API key":                     {func(_, key, _ *string) { *key = "" }, ErrCallbackNoCredentials},
		"no credentials, md5(\"\") sent": {func(id, key, h *string) { *id, *key, *h = "", "", Sign("", "") }, ErrCallbackNoCredentials},
		"no header":                      {func(_, _, h *string) { *h = "" }, ErrCallbackNoSignature},
		"one byte off":                   {func(_, _, h *string) { *h = (*h)[:31] + "0" }, ErrCallbackBadSignature},
		"upper case":                     {func(_, _, h *string) { *h = "900150983CD24FB0D6963F7D28E17F72" }, ErrCallbackBadSignature},
		"truncated":                      {func(_, _, h *string) { *h = (*h)[:16] }, ErrCallbackBadSignature},
		"with a space":                   {func(_, _, h *string) { *h += " " }, ErrCallbackBadSignature},
		"key then ID":                    {func(id, key, h *string) { *h = Sign(*key, *id) }, ErrCallbackBadSignature},
		"another account's":              {func(_, _, h *string) { *h = Sign(cbID, "other") }, ErrCallbackBadSignature},
	} {
		id, key, header := valid.id, valid.key, valid.header
		c.mutate(&id, &key, &header)
		assert.ErrorIs(t, VerifyCallback(id, key, header), c.want, name)
	}
}

// Every body shape the webhook accepts yields the same item.
func TestParseCallbackShapes(t *testing.T) {
	for name, c := range map[string]struct{ contentType, body string }{
		"data object":     {"application/json", `{"data":{"trxid":"VP1","status":"success","note":"SN-9","data":"0812"}}`},
		"data array":      {"application/json", `{"data":[{"trxid":"VP1","status":"success","note":"SN-9","data":"0812"}]}`},
		"status envelope": {"application/json", `{"result":true,"data":[{"trxid":"VP1","status":"success","note":"SN-9","data":"0812"}],"message":"ok"}`},
		"flat trxid":      {"application/json", `{"trxid":"VP1","status":"success","note":"SN-9","data":"0812"}`},
		"flat trx_id sn":  {"application/json", `{"trx_id":"VP1","status":"success","sn":"SN-9","data":"0812"}`},
		"no content type": {"", ` {"data":{"trxid":"VP1","status":"success","note":"SN-9","data":"0812"}} `},
		"form flat":       {"application/x-www-form-urlencoded", "trxid=VP1&status=success&note=SN-9&data=0812"},
		"form data json":  {"application/x-www-form-urlencoded", "data=%7B%22trxid%22%3A%22VP1%22%2C%22status%22%3A%22success%22%2C%22note%22%3A%22SN-9%22%2C%22data%22%3A%220812%22%7D"},
		"form php array":  {"application/x-www-form-urlencoded", "data%5Btrxid%5D=VP1&data%5Bstatus%5D=success&data%5Bnote%5D=SN-9&data%5Bdata%5D=0812"},
	} {
		items, err := ParseCallback([]byte(c.body), c.contentType)
		require.NoError(t, err, name)
		require.Len(t, items, 1, name)
		it := items[0]
		assert.Equal(t, []string{"VP1", "success", "SN-9", "0812"}, []string{it.TrxID, it.Status, it.Note, it.Target}, name)
		assert.True(t, json.Valid(it.Raw), name)
	}

	// Numbers are text too (PHP sends either), and a list keeps its order.
	items, err := ParseCallback([]byte(`{"data":[{"trxid":12345,"status":"error"},{"trxid":"VP2","status":"success"}]}`), "application/json")
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, "12345", items[0].TrxID)
	assert.Equal(t, "VP2", items[1].TrxID)
}

// One valid body, then one mutation of it per way parsing fails.
func TestParseCallbackFailures(t *testing.T) {
	const valid = `{"data":{"trxid":"VP1","status":"success"}}`
	_, err := ParseCallback([]byte(valid), "application/json")
	require.NoError(t, err)

	for name, c := range map[string]struct {
		contentType, body string
		want              error
	}{
		"empty":                    {"application/json", ``, ErrCallbackEmpty},
		"only spaces":              {"application/json", " \n\t", ErrCallbackEmpty},
		"cut short":                {"application/json", valid[:20], ErrCallbackMalformed},
		"JSON type, not JSON":      {"application/json", `trxid=VP1`, ErrCallbackMalformed},
		"bad form escape":          {"application/x-www-form-urlencoded", "trxid=%zz&status=success", ErrCallbackMalformed},
		"data is a string":         {"application/json", `{"data":"success"}`, ErrCallbackMissingData},
		"neither trxid nor status": {"application/json", `{"result":true}`, ErrCallbackMissingData},
		"empty data list":          {"application/json", `{"data":[]}`, ErrCallbackNoItems},
		"empty top-level list":     {"application/json", `[]`, ErrCallbackNoItems},
		"data is a number":         {"application/json", `[1]`, ErrCallbackDataShape},
		"one bad item in a list":   {"application/json", `{"data":[{"trxid":"VP1","status":"success"},{"x":1}]}`, ErrCallbackMissingData},
		"form without fields":      {"application/x-www-form-urlencoded", "foo=bar", ErrCallbackMissingData},
		"form data cut short":      {"application/x-www-form-urlencoded", "data=%7B%22trxid%22", ErrCallbackMalformed},
	} {
		items, err := ParseCallback([]byte(c.body), c.contentType)
		assert.ErrorIs(t, err, c.want, name)
		assert.Empty(t, items, name)
	}
}
