package sandbox

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	msgOrderOK          = "Pesanan berhasil, pesanan akan diproses."
	msgBelowMin         = "Pesanan Anda kurang dari jumlah pesanan minimum."
	msgAboveMax         = "Pesanan Anda melebihi batas pesanan maksimum."
	msgDuplicatePending = "Masih terdapat pesanan pending dengan target yang sama."
	msgNoBalance        = "Saldo Anda tidak cukup untuk melakukan pemesanan ini."
	msgTargetInvalid    = "Nomor tujuan tidak valid."
	msgThrottle         = "Transaksi dibatasi, coba lagi dalam %d detik."
	trxAlphabet         = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)

// outcome is what an order's target decides (its last three characters).
type outcome int

const (
	outSuccess outcome = iota // anything else: processing, then success
	outError                  // "999": processing, then error with a reason
	outStuck                  // "777": processing forever (until SetStatus)
	outPartial                // "555" on social-media: processing, then partial
	outReject                 // "444": rejected at once, nothing created
	outInstant                // "333": already success in the order answer
)

func outcomeOf(ep, target string) outcome {
	switch target[max(len(target)-3, 0):] {
	case "999":
		return outError
	case "777":
		return outStuck
	case "555":
		if ep == EndpointSocial {
			return outPartial
		}
	case "444":
		return outReject
	case "333":
		return outInstant
	}
	return outSuccess
}

// orderOpts lets faults alter an order answer without changing the order.
type orderOpts struct{ noTrxID bool }

type gameOrderData struct {
	TrxID   string `json:"trxid,omitempty"`
	Data    string `json:"data"`
	Zone    string `json:"zone"`
	Service string `json:"service"`
	Status  string `json:"status"`
	Note    string `json:"note"`
	Balance int64  `json:"balance"`
	Price   int64  `json:"price"`
}

type prepaidOrderData struct {
	TrxID   string `json:"trxid,omitempty"`
	Data    string `json:"data"`
	Code    string `json:"code"`
	Service string `json:"service"`
	Status  string `json:"status"`
	Note    string `json:"note"`
	Balance int64  `json:"balance"`
	Price   int64  `json:"price"`
}

type socialOrderData struct {
	TrxID    string `json:"trxid,omitempty"`
	Data     string `json:"data"`
	Service  string `json:"service"`
	Quantity int64  `json:"quantity"`
	Status   string `json:"status"`
	Note     string `json:"note"`
	Balance  int64  `json:"balance"`
	Price    int64  `json:"price"`
}

func orderDataOf(t *Transaction, balance int64, opt orderOpts) any {
	id := t.TrxID
	if opt.noTrxID {
		id = ""
	}
	switch t.Endpoint {
	case EndpointGame:
		return gameOrderData{id, t.Target, t.Zone, t.ServiceName, t.Status, t.Note, balance, t.Price}
	case EndpointPrepaid:
		return prepaidOrderData{id, t.Target, t.Service, t.ServiceName, t.Status, t.Note, balance, t.Price}
	}
	return socialOrderData{id, t.Target, t.ServiceName, t.Quantity, t.Status, t.Note, balance, t.Price}
}

// order answers type=order: validate, debit, create and schedule.
func (s *Sandbox) order(ep string, form url.Values, opt orderOpts) reply {
	code := strings.TrimSpace(form.Get("service"))
	var target, zone string
	qty := int64(1)
	if ep == EndpointSocial {
		target = strings.TrimSpace(form.Get("data"))
		q := strings.TrimSpace(form.Get("quantity"))
		if q == "" {
			return failReply(msgMissingParam)
		}
		qty = phpInt(q)
	} else {
		target = strings.TrimSpace(form.Get("data_no"))
		if ep == EndpointGame {
			zone = strings.TrimSpace(form.Get("data_zone"))
		}
	}
	if code == "" || target == "" {
		return failReply(msgMissingParam)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if msg := s.throttleLocked(ep, now); msg != "" {
		return failReply(msg)
	}
	c := s.catalogs[ep]
	sv := c.byCode[code]
	if sv == nil || !sv.orderable() {
		return failReply(msgServiceAbsent)
	}
	if ep == EndpointSocial {
		switch {
		case qty < sv.min:
			return failReply(msgBelowMin)
		case qty > sv.max:
			return failReply(msgAboveMax)
		}
	}
	out := outcomeOf(ep, target)
	if out == outReject {
		return failReply(msgTargetInvalid)
	}
	if ep == EndpointSocial && s.pending[pendingKey(code, target)] > 0 {
		return failReply(msgDuplicatePending)
	}
	cost := sv.price.forTier(s.tier())
	if ep == EndpointSocial {
		cost = (cost*qty + 999) / 1000 // per-1000 price, rounded up
	}
	if cost > s.balance {
		return failReply(msgNoBalance)
	}
	t := s.createLocked(c, sv, target, zone, qty, cost, out, now)
	return okReply(orderDataOf(&t.Transaction, s.balance, opt), msgOrderOK)
}

// createLocked debits, records and schedules a new transaction.
func (s *Sandbox) createLocked(c *catalog, sv *service, target, zone string, qty, cost int64, out outcome, now time.Time) *txn {
	t := &txn{Transaction: Transaction{
		TrxID: s.newTrxIDLocked(), Endpoint: sv.endpoint, Service: sv.code, ServiceName: sv.displayName(),
		Target: target, Zone: zone, Status: StatusWaiting, Price: cost, Quantity: qty,
		Created: now, Updated: now,
	}, seq: len(s.all)}
	s.balance -= cost
	if sv.stocked {
		if sv.stock--; sv.stock <= 0 {
			c.touch(sv)
		}
	}
	social := sv.endpoint == EndpointSocial
	var start int64
	if social {
		t.Remain = qty
		start = startCountOf(target)
	}
	sn := s.snLocked(t, sv)
	proc := transition{at: now.Add(s.cfg.ProcessingAfter), status: StatusProcessing, remain: t.Remain, startCount: start}
	final := transition{at: proc.at.Add(s.cfg.CompleteAfter), status: StatusSuccess, note: sn}
	switch out {
	case outInstant:
		t.Status, t.Note, t.Remain, t.StartCount = StatusSuccess, sn, 0, start
	case outStuck:
		t.plan = []transition{proc}
	case outError:
		final.status, final.note, final.remain = StatusError, errorReason(sv.endpoint, zone), t.Remain
		t.plan = []transition{proc, final}
	case outPartial:
		final.status, final.note, final.remain = StatusPartial, "", qty/2
		t.plan = []transition{proc, final}
	default:
		t.plan = []transition{proc, final}
	}
	s.txns[t.TrxID] = t
	s.all = append(s.all, t)
	s.byEndpoint[t.Endpoint] = append(s.byEndpoint[t.Endpoint], t)
	if social && !terminal(t.Status) {
		s.pending[pendingKey(t.Service, t.Target)]++
	}
	s.scheduleLocked(t)
	s.lastOrder[throttleKey(t.Endpoint)] = now
	s.rev++
	return t
}

func errorReason(ep, zone string) string {
	switch ep {
	case EndpointPrepaid:
		return "Nomor tujuan salah."
	case EndpointSocial:
		return "Target tidak valid."
	}
	if zone != "" {
		return "Zone tujuan salah."
	}
	return "ID tujuan salah."
}

func throttleKey(ep string) string {
	if ep == EndpointSocial {
		return "social"
	}
	return "h2h" // game-feature and prepaid share one throttle
}

// throttleLocked returns the throttle message when the account ordered too
// recently, or "".
func (s *Sandbox) throttleLocked(ep string, now time.Time) string {
	gap := s.cfg.OrderGap
	if ep == EndpointSocial {
		gap /= 6
	}
	last, ok := s.lastOrder[throttleKey(ep)]
	if gap <= 0 || !ok {
		return ""
	}
	wait := last.Add(gap).Sub(now)
	if wait <= 0 {
		return ""
	}
	return fmt.Sprintf(msgThrottle, int((wait+time.Second-1)/time.Second))
}

// newTrxIDLocked returns "VP" + 10 uppercase alphanumerics, unique and
// deterministic for a seed and order sequence.
func (s *Sandbox) newTrxIDLocked() string {
	for {
		b := []byte("VP0000000000")
		for i := 2; i < len(b); i++ {
			b[i] = trxAlphabet[s.trxRNG.IntN(len(trxAlphabet))]
		}
		if id := string(b); s.txns[id] == nil {
			return id
		}
	}
}

func hash64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// snLocked derives the success note from the seed and trxid: a PLN token in
// 4-digit groups, a numeric serial for other prepaid, a short reference for
// stock-tracked game items, nothing otherwise.
func (s *Sandbox) snLocked(t *txn, sv *service) string {
	r := rand.New(rand.NewPCG(uint64(s.cfg.Seed), hash64(t.TrxID)))
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	switch {
	case sv.endpoint == EndpointPrepaid && sv.kind == kindPLN:
		d := digits(20)
		return d[0:4] + "-" + d[4:8] + "-" + d[8:12] + "-" + d[12:16] + "-" + d[16:20]
	case sv.endpoint == EndpointPrepaid:
		return digits(18)
	case sv.endpoint == EndpointGame && sv.stocked:
		b := []byte("REF-00000000")
		for i := 4; i < len(b); i++ {
			b[i] = trxAlphabet[r.IntN(len(trxAlphabet))]
		}
		return string(b)
	}
	return ""
}

// startCountOf is a stable "count" (start count) for a social target.
func startCountOf(target string) int64 { return 100 + int64(hash64(target)%9900) }

// phpInt converts like PHP's (int) cast: leading digits, else 0.
func phpInt(s string) int64 {
	end := 0
	if end < len(s) && (s[0] == '-' || s[0] == '+') {
		end++
	}
	for end < len(s) && s[end] >= '0' && s[end] <= '9' {
		end++
	}
	v, _ := strconv.ParseInt(s[:end], 10, 64)
	return v
}

func atoiOr(s string, def int) int {
	if v, err := strconv.Atoi(s); err == nil {
		return v
	}
	return def
}
