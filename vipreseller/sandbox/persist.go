package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Persistence (Config.StatePath) keeps what a restart would otherwise lose
// and an order in flight depends on: every transaction with its status,
// applied and pending transitions (absolute due times) and refunds, the
// balance, the stock of stock-tracked items, the throttle clock and the
// callbacks not yet handed to the receiver. The catalog is regenerated from
// the seed; faults, the request log and the callback URL are not kept (the
// store sets its URL at start).
//
// Due times are wall-clock instants, so a transition that fell due while
// the process was down is applied by the first Step after Open, and its
// callback leaves as soon as a callback URL is set.

// saveEvery is the least time between two writes by Run.
const saveEvery = time.Second

const stateVersion = 1

type stateFile struct {
	Version      int                  `json:"version"`
	Saved        time.Time            `json:"saved"`
	Balance      int64                `json:"balance"`
	Stock        map[string]int64     `json:"stock,omitempty"`     // stock-tracked game items by code
	LastOrder    map[string]time.Time `json:"lastOrder,omitempty"` // throttle clock by throttle key
	Transactions []stateTxn           `json:"transactions"`        // oldest first
	Outbox       []stateEvent         `json:"outbox,omitempty"`    // callbacks not yet sent, in order
	Held         []stateEvent         `json:"held,omitempty"`      // reordered callbacks waiting for their trx's next one
}

type stateTxn struct {
	TrxID       string            `json:"trxid"`
	Endpoint    string            `json:"endpoint"`
	Service     string            `json:"service"`
	ServiceName string            `json:"serviceName"`
	Target      string            `json:"target"`
	Zone        string            `json:"zone,omitempty"`
	Status      string            `json:"status"`
	Note        string            `json:"note"`
	Price       int64             `json:"price"`
	Quantity    int64             `json:"quantity"`
	Remain      int64             `json:"remain,omitempty"`
	StartCount  int64             `json:"startCount,omitempty"`
	Created     time.Time         `json:"created"`
	Updated     time.Time         `json:"updated"`
	Plan        []stateTransition `json:"plan,omitempty"`
	Step        int               `json:"step"` // index of the next transition in plan
	Refunded    int64             `json:"refunded,omitempty"`
}

type stateTransition struct {
	At         time.Time `json:"at"`
	Status     string    `json:"status"`
	Note       string    `json:"note,omitempty"`
	Remain     int64     `json:"remain,omitempty"`
	StartCount int64     `json:"startCount,omitempty"`
}

type stateEvent struct {
	TrxID    string          `json:"trxid"`
	Endpoint string          `json:"endpoint"`
	Terminal bool            `json:"terminal,omitempty"`
	Body     json.RawMessage `json:"body"`
}

// SaveState writes the state to Config.StatePath now (temp file + rename).
// It is a no-op without a StatePath. Run calls it on its own.
func (s *Sandbox) SaveState() error {
	if s.cfg.StatePath == "" {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	return s.saveLocked()
}

// autosave writes a changed state when saveEvery has passed since the last
// write (or at once when final), reporting a new failure to OnStateError.
func (s *Sandbox) autosave(final bool) {
	if s.cfg.StatePath == "" {
		return
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	s.mu.Lock()
	dirty := s.rev != s.savedRev
	s.mu.Unlock()
	if !dirty || (!final && time.Since(s.lastSave) < saveEvery) {
		return
	}
	err := s.saveLocked()
	switch {
	case err == nil:
		s.lastSaveErr = ""
	case err.Error() != s.lastSaveErr:
		s.lastSaveErr = err.Error()
		if s.cfg.OnStateError != nil {
			s.cfg.OnStateError(err)
		}
	}
}

// saveLocked snapshots under s.mu and writes outside it; s.saveMu is held.
func (s *Sandbox) saveLocked() error {
	s.mu.Lock()
	rev := s.rev
	st := s.snapshotLocked()
	s.mu.Unlock()
	s.lastSave = time.Now()
	data, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return fmt.Errorf("sandbox: encode state: %w", err)
	}
	if err := writeFileAtomic(s.cfg.StatePath, data); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	s.savedRev = rev
	return nil
}

func (s *Sandbox) snapshotLocked() *stateFile {
	st := &stateFile{
		Version:      stateVersion,
		Saved:        s.now(),
		Balance:      s.balance,
		LastOrder:    make(map[string]time.Time, len(s.lastOrder)),
		Transactions: make([]stateTxn, 0, len(s.all)),
	}
	for k, v := range s.lastOrder {
		st.LastOrder[k] = v
	}
	for _, sv := range s.catalogs[EndpointGame].list {
		if sv.stocked {
			if st.Stock == nil {
				st.Stock = make(map[string]int64)
			}
			st.Stock[sv.code] = sv.stock
		}
	}
	for _, t := range s.all {
		x := stateTxn{
			TrxID: t.TrxID, Endpoint: t.Endpoint, Service: t.Service, ServiceName: t.ServiceName,
			Target: t.Target, Zone: t.Zone, Status: t.Status, Note: t.Note, Price: t.Price,
			Quantity: t.Quantity, Remain: t.Remain, StartCount: t.StartCount,
			Created: t.Created, Updated: t.Updated, Step: t.step, Refunded: t.refunded,
		}
		for _, tr := range t.plan {
			x.Plan = append(x.Plan, stateTransition{At: tr.at, Status: tr.status, Note: tr.note, Remain: tr.remain, StartCount: tr.startCount})
		}
		st.Transactions = append(st.Transactions, x)
	}
	for _, e := range s.outbox {
		st.Outbox = append(st.Outbox, stateEventOf(e))
	}
	for _, t := range s.all { // held in a stable order
		for _, e := range s.held[t.TrxID] {
			st.Held = append(st.Held, stateEventOf(e))
		}
	}
	return st
}

func stateEventOf(e event) stateEvent {
	return stateEvent{TrxID: e.trxid, Endpoint: e.endpoint, Terminal: e.terminal, Body: e.body}
}

// loadState replaces the fresh state with the one at StatePath, if any.
func (s *Sandbox) loadState() error {
	path := s.cfg.StatePath
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: load state: %w", err)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("sandbox: load state %s: %s (move the file away to start afresh)", path, fmt.Sprintf(format, a...))
	}
	var st stateFile
	if err := json.Unmarshal(data, &st); err != nil {
		return bad("%v", err)
	}
	if st.Version != stateVersion {
		return bad("version %d, want %d", st.Version, stateVersion)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.balance = st.Balance
	for k, v := range st.LastOrder {
		s.lastOrder[k] = v
	}
	game := s.catalogs[EndpointGame]
	for code, n := range st.Stock {
		if sv := game.byCode[code]; sv != nil && sv.stocked {
			sv.stock = n
			game.touch(sv)
		}
	}
	for i, x := range st.Transactions {
		if _, ok := s.catalogs[x.Endpoint]; !ok || x.TrxID == "" || s.txns[x.TrxID] != nil ||
			x.Step < 0 || x.Step > len(x.Plan) {
			return bad("transaction %d (%q) is malformed", i, x.TrxID)
		}
		t := &txn{Transaction: Transaction{
			TrxID: x.TrxID, Endpoint: x.Endpoint, Service: x.Service, ServiceName: x.ServiceName,
			Target: x.Target, Zone: x.Zone, Status: x.Status, Note: x.Note, Price: x.Price,
			Quantity: x.Quantity, Remain: x.Remain, StartCount: x.StartCount,
			Created: x.Created, Updated: x.Updated,
		}, seq: len(s.all), step: x.Step, refunded: x.Refunded}
		for _, tr := range x.Plan {
			t.plan = append(t.plan, transition{at: tr.At, status: tr.Status, note: tr.Note, remain: tr.Remain, startCount: tr.StartCount})
		}
		s.txns[t.TrxID] = t
		s.all = append(s.all, t)
		s.byEndpoint[t.Endpoint] = append(s.byEndpoint[t.Endpoint], t)
		if t.Endpoint == EndpointSocial && !terminal(t.Status) {
			s.pending[pendingKey(t.Service, t.Target)]++
		}
		s.scheduleLocked(t)
	}
	for _, e := range st.Outbox {
		s.outbox = append(s.outbox, event{trxid: e.TrxID, endpoint: e.Endpoint, terminal: e.Terminal, body: e.Body})
	}
	for _, e := range st.Held {
		s.held[e.TrxID] = append(s.held[e.TrxID], event{trxid: e.TrxID, endpoint: e.Endpoint, terminal: e.Terminal, body: e.Body})
	}
	// Trxids stay unique and follow on from the saved ones: newTrxIDLocked
	// replays the seeded sequence and skips every id already taken.
	return nil
}

// writeFileAtomic writes data to a temp file beside path, syncs it and
// renames it over path, so a crash leaves the old or the new file whole.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable (best effort)
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
