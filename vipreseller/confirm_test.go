package vipreseller

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statusFake answers type=status: by trxid for any VP id, by limit with
// the recent page VP1..VP8 (VP9 is older than the page).
func statusFake(t *testing.T) *fakeProvider {
	return newFake(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		item := func(id string) string {
			return `{"trxid":"` + id + `","data":"0812","status":"success","note":"SN-` + id + `"}`
		}
		if id := r.PostForm.Get("trxid"); id != "" {
			_, _ = fmt.Fprintf(w, `{"result":true,"data":[%s],"message":"ok"}`, item(id))
			return
		}
		var items []string
		for i := 8; i >= 1; i-- {
			items = append(items, item(fmt.Sprintf("VP%d", i)))
		}
		_, _ = fmt.Fprintf(w, `{"result":true,"data":[%s],"message":"ok"}`, strings.Join(items, ","))
	})
}

func TestConfirmCoalescesABurstBehindTheLimiter(t *testing.T) {
	f := statusFake(t)
	c := f.client(WithRateLimit(5)) // one request per 200 ms
	ctx := context.Background()
	_, err := c.Prepaid.Status(ctx, StatusParams{Limit: 1}) // takes the idle slot
	require.NoError(t, err)

	ids := []string{"VP1", "VP2", "VP3", "VP4", "VP5", "VP9"}
	got := make([]Transaction, len(ids))
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], errs[i] = c.Confirm(ctx, EndpointPrepaid, id)
		}()
	}
	wg.Wait()
	for i, id := range ids {
		require.NoError(t, errs[i], id)
		assert.Equal(t, id, got[i].TrxID, "each caller gets its own transaction")
		assert.Equal(t, "SN-"+id, got[i].Note)
	}
	byLimit, byTrxID := 0, 0
	for _, r := range f.reqs {
		switch {
		case r.Form.Get("trxid") != "":
			byTrxID++
		case r.Form.Get("limit") != "":
			byLimit++
		}
	}
	// The warm-up, then at most a couple of pages for the burst, and one
	// lookup by trxid for VP9, which is older than the page.
	assert.LessOrEqual(t, byLimit, 3, "the burst shares pages")
	assert.Equal(t, 1, byTrxID, "only the transaction missing from the page is asked alone")
	assert.Less(t, f.count(EndpointPrepaid, "status"), len(ids)+1)
}

func TestConfirmAloneAsksByTrxID(t *testing.T) {
	f := statusFake(t)
	c := f.client()
	trx, err := c.Confirm(context.Background(), EndpointGame, "VP42")
	require.NoError(t, err)
	assert.Equal(t, "VP42", trx.TrxID)
	assert.Equal(t, "VP42", f.last(t).Form.Get("trxid"))
	assert.Equal(t, 1, f.total())
}

func TestConfirmNeverReturnsAnotherTransaction(t *testing.T) {
	// A provider that ignores trxid and returns its latest list instead.
	f := newFake(t, body(200, `{"result":true,"data":[{"trxid":"VPOTHER","status":"error"}],"message":"ok"}`))
	c := f.client()
	_, err := c.Confirm(context.Background(), EndpointPrepaid, "VPMINE")
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.True(t, apiErr.NotFound())
}
