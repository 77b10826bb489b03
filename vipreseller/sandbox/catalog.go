package sandbox

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"

	"github.com/vipbase/vipbase/internal/simhttp"
)

// Service availability values.
const (
	statusAvailable = "available"
	statusEmpty     = "empty"
)

// price is a row's cost per account level.
type price struct {
	Basic   int64 `json:"basic"`
	Premium int64 `json:"premium"`
	Special int64 `json:"special"`
}

func (p price) forTier(tier string) int64 {
	switch tier {
	case "special":
		return p.Special
	case "premium":
		return p.Premium
	}
	return p.Basic
}

// service is one catalog row of any endpoint; fields not used by an
// endpoint stay zero.
type service struct {
	endpoint    string
	code        string // social: the numeric id
	game        string // game
	brand       string // prepaid
	kind        string // prepaid type (pulsa-reguler, token-pln, ...)
	category    string // prepaid, social
	name        string
	note        string // prepaid, social
	price       price  // social: per 1000 units
	status      string
	server      string // game
	multiTrx    bool   // prepaid
	maintenance string // prepaid, sent as "maintenace"
	min, max    int64  // social
	stocked     bool   // game: account/voucher items with a stock count
	stock       int64
	description string

	wire []byte // cached JSON row; nil when stale
}

// listStatus is the status shown to clients: a stock-tracked item with no
// stock left shows as empty.
func (sv *service) listStatus() string {
	if sv.stocked && sv.stock <= 0 {
		return statusEmpty
	}
	return sv.status
}

func (sv *service) orderable() bool { return sv.listStatus() == statusAvailable }

// displayName is what orders, status items and callbacks call "service".
func (sv *service) displayName() string {
	if sv.endpoint == EndpointGame {
		return sv.game + " - " + sv.name
	}
	return sv.name
}

type gameRow struct {
	Code   string `json:"code"`
	Game   string `json:"game"`
	Name   string `json:"name"`
	Price  price  `json:"price"`
	Server string `json:"server"`
	Status string `json:"status"`
}

type prepaidRow struct {
	Brand       string `json:"brand"`
	Code        string `json:"code"`
	Name        string `json:"name"`
	Note        string `json:"note"`
	Price       price  `json:"price"`
	Status      string `json:"status"`
	MultiTrx    bool   `json:"multi_trx"`
	Maintenance string `json:"maintenace"` // sic: the provider's spelling
	Category    string `json:"category"`
	Prepost     string `json:"prepost"`
	Type        string `json:"type"`
}

type socialRow struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Name     string `json:"name"`
	Note     string `json:"note"`
	Min      string `json:"min"` // PHP sends these as strings
	Max      string `json:"max"`
	Price    price  `json:"price"`
	Status   string `json:"status"`
}

// emptyPrepaidRow is the all-empty first row the real prepaid list starts with.
var emptyPrepaidRow = []byte(`{"brand":"","code":"","name":"","note":"","price":"","status":"","multi_trx":"","maintenace":"","category":"","prepost":"","type":""}`)

// row returns the cached wire JSON of the row.
func (sv *service) row() []byte {
	if sv.wire != nil {
		return sv.wire
	}
	switch sv.endpoint {
	case EndpointGame:
		sv.wire = simhttp.Marshal(gameRow{sv.code, sv.game, sv.name, sv.price, sv.server, sv.listStatus()})
	case EndpointPrepaid:
		sv.wire = simhttp.Marshal(prepaidRow{sv.brand, sv.code, sv.name, sv.note, sv.price, sv.listStatus(),
			sv.multiTrx, sv.maintenance, sv.category, "prepaid", sv.kind})
	default:
		sv.wire = simhttp.Marshal(socialRow{sv.code, sv.category, sv.name, sv.note,
			strconv.FormatInt(sv.min, 10), strconv.FormatInt(sv.max, 10), sv.price, sv.listStatus()})
	}
	return sv.wire
}

// catalog is one endpoint's services in list order plus a code index and the
// cached unfiltered answer.
type catalog struct {
	endpoint string
	list     []*service
	byCode   map[string]*service
	full     []byte // complete services envelope; nil when stale
}

func newCatalog(endpoint string, list []*service) *catalog {
	c := &catalog{endpoint: endpoint, list: list, byCode: make(map[string]*service, len(list))}
	for _, sv := range list {
		c.byCode[sv.code] = sv
	}
	return c
}

func (c *catalog) touch(sv *service) {
	sv.wire = nil
	c.full = nil
}

// listBody builds a services envelope from rows; the bytes are never mutated
// afterwards, so they may be written outside the lock.
func listBody(rows [][]byte) []byte {
	var buf bytes.Buffer
	n := 64
	for _, r := range rows {
		n += len(r) + 1
	}
	buf.Grow(n)
	buf.WriteString(`{"result":true,"data":[`)
	for i, r := range rows {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(r)
	}
	buf.WriteString(`],"message":"` + msgServicesOK + `"}`)
	return buf.Bytes()
}

// fullBody returns the cached unfiltered services answer.
func (c *catalog) fullBody() []byte {
	if c.full == nil {
		rows := make([][]byte, 0, len(c.list)+1)
		if c.endpoint == EndpointPrepaid {
			rows = append(rows, emptyPrepaidRow)
		}
		for _, sv := range c.list {
			rows = append(rows, sv.row())
		}
		c.full = listBody(rows)
	}
	return c.full
}

// catalogName maps an endpoint name (or the short forms game/social) to the
// catalog key.
func catalogName(endpoint string) (string, error) {
	switch endpoint {
	case EndpointGame, "game":
		return EndpointGame, nil
	case EndpointPrepaid:
		return EndpointPrepaid, nil
	case EndpointSocial, "social":
		return EndpointSocial, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownEndpoint, endpoint)
}

// lookupLocked finds a service for a mutation helper; s.mu must be held.
func (s *Sandbox) lookupLocked(endpoint, code string) (*catalog, *service, error) {
	name, err := catalogName(endpoint)
	if err != nil {
		return nil, nil, err
	}
	c := s.catalogs[name]
	sv := c.byCode[code]
	if sv == nil {
		return nil, nil, fmt.Errorf("%w: %s %q", ErrUnknownService, name, code)
	}
	return c, sv, nil
}

// SetServiceStatus marks a service available or empty.
func (s *Sandbox) SetServiceStatus(endpoint, code, status string) error {
	if status != statusAvailable && status != statusEmpty {
		return fmt.Errorf("%w: %q (want available or empty)", ErrInvalidStatus, status)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, sv, err := s.lookupLocked(endpoint, code)
	if err != nil {
		return err
	}
	sv.status = status
	c.touch(sv)
	return nil
}

// SetServicePrice changes a service's three price tiers.
func (s *Sandbox) SetServicePrice(endpoint, code string, basic, premium, special int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, sv, err := s.lookupLocked(endpoint, code)
	if err != nil {
		return err
	}
	sv.price = price{basic, premium, special}
	c.touch(sv)
	return nil
}

// RemoveService deletes a service from the catalog; existing transactions
// are unaffected.
func (s *Sandbox) RemoveService(endpoint, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, sv, err := s.lookupLocked(endpoint, code)
	if err != nil {
		return err
	}
	delete(c.byCode, code)
	c.list = slices.DeleteFunc(c.list, func(x *service) bool { return x == sv })
	c.full = nil
	return nil
}

// SetStock sets the stock of a stock-tracked game service; 0 makes it empty.
func (s *Sandbox) SetStock(code string, stock int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, sv, err := s.lookupLocked(EndpointGame, code)
	if err != nil {
		return err
	}
	if !sv.stocked {
		return fmt.Errorf("%w: %q", ErrNotStockTracked, code)
	}
	sv.stock = stock
	c.touch(sv)
	s.rev++
	return nil
}

// Stock returns the stock of a stock-tracked game service.
func (s *Sandbox) Stock(code string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, sv, err := s.lookupLocked(EndpointGame, code)
	if err != nil {
		return 0, err
	}
	if !sv.stocked {
		return 0, fmt.Errorf("%w: %q", ErrNotStockTracked, code)
	}
	return sv.stock, nil
}

// ServiceCount returns the number of services of an endpoint (the empty
// artefact row of the prepaid list is not a service).
func (s *Sandbox) ServiceCount(endpoint string) int {
	name, err := catalogName(endpoint)
	if err != nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.catalogs[name].list)
}
