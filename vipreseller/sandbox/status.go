package sandbox

import (
	"net/url"
	"strings"
)

const (
	msgStatusOK       = "Detail transaksi berhasil didapatkan."
	msgTrxNotFound    = "Transaksi tidak ditemukan."
	defaultStatusList = 10
	maxStatusList     = 100
)

type gameItem struct {
	TrxID   string `json:"trxid"`
	Data    string `json:"data"`
	Zone    string `json:"zone"`
	Service string `json:"service"`
	Status  string `json:"status"`
	Note    string `json:"note"`
	Price   int64  `json:"price"`
}

type prepaidItem struct {
	TrxID   string `json:"trxid"`
	Data    string `json:"data"`
	Code    string `json:"code"`
	Service string `json:"service"`
	Status  string `json:"status"`
	Note    string `json:"note"`
	Price   int64  `json:"price"`
}

type socialItem struct {
	TrxID    string `json:"trxid"`
	Data     string `json:"data"`
	Service  string `json:"service"`
	Quantity int64  `json:"quantity"`
	Status   string `json:"status"`
	Remain   int64  `json:"remain"`
	Count    int64  `json:"count"`
	Note     string `json:"note"`
	Price    int64  `json:"price"`
}

// itemOf is a transaction as status answers and callbacks show it.
func itemOf(t *txn) any {
	switch t.Endpoint {
	case EndpointGame:
		return gameItem{t.TrxID, t.Target, t.Zone, t.ServiceName, t.Status, t.Note, t.Price}
	case EndpointPrepaid:
		return prepaidItem{t.TrxID, t.Target, t.Service, t.ServiceName, t.Status, t.Note, t.Price}
	}
	return socialItem{t.TrxID, t.Target, t.ServiceName, t.Quantity, t.Status, t.Remain, t.StartCount, t.Note, t.Price}
}

// status answers type=status: one trxid (always as a one-item array) or the
// latest limit transactions of the endpoint, newest first. Due transitions
// are applied first; their callbacks leave with the next Step.
func (s *Sandbox) status(ep string, form url.Values) reply {
	id := strings.TrimSpace(form.Get("trxid"))
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if id != "" {
		t := s.txns[id]
		if t == nil || t.Endpoint != ep {
			return failReply(msgTrxNotFound)
		}
		s.advanceLocked(t, now)
		return okReply([]any{itemOf(t)}, msgStatusOK)
	}
	limit := int(phpInt(strings.TrimSpace(form.Get("limit"))))
	if limit <= 0 {
		limit = defaultStatusList
	}
	limit = min(limit, maxStatusList)
	list := s.byEndpoint[ep]
	items := make([]any, 0, min(limit, len(list)))
	for i := len(list) - 1; i >= 0 && len(items) < limit; i-- {
		s.advanceLocked(list[i], now)
		items = append(items, itemOf(list[i]))
	}
	return okReply(items, msgStatusOK)
}
