package vipreseller

import (
	"bytes"
	"encoding/json"

	"github.com/vipbase/vipbase/internal/flexjson"
)

// Lenient UnmarshalJSON methods for the types in types.go; the rules are in
// decode.go. Each catalog row and transaction keeps its original JSON in Raw
// so the app can store exactly what the provider said.

func keepRaw(b []byte) json.RawMessage {
	return append(json.RawMessage(nil), bytes.TrimSpace(b)...)
}

// UnmarshalJSON accepts {basic, premium, special} with numeric or string
// values, or a bare number or numeric string that then applies to every tier
// (old docs and clones send a single price).
func (p *Price) UnmarshalJSON(b []byte) error {
	t := bytes.TrimSpace(b)
	if flexjson.IsNull(t) {
		return nil
	}
	if t[0] != '{' {
		v, err := flexInt(t)
		if err != nil {
			return err
		}
		*p = Price{Basic: v, Premium: v, Special: v}
		return nil
	}
	f, err := readFields(t)
	if err != nil {
		return err
	}
	*p = Price{Basic: f.int("basic"), Premium: f.int("premium"), Special: f.int("special")}
	return f.Err()
}

// UnmarshalJSON decodes the profile leniently (balance may be a string).
func (p *Profile) UnmarshalJSON(b []byte) error {
	if flexjson.IsNull(b) {
		return nil
	}
	f, err := readFields(b)
	if err != nil {
		return err
	}
	*p = Profile{
		FullName:   f.str("full_name"),
		Username:   f.str("username"),
		Balance:    f.int("balance"),
		Point:      f.int("point"),
		Level:      f.str("level"),
		Registered: f.str("registered"),
	}
	return f.Err()
}

// UnmarshalJSON decodes a game-feature catalog row; server may be a string
// or a number.
func (s *GameService) UnmarshalJSON(b []byte) error {
	if flexjson.IsNull(b) {
		return nil
	}
	f, err := readFields(b)
	if err != nil {
		return err
	}
	*s = GameService{
		Code:   f.str("code"),
		Game:   f.str("game"),
		Name:   f.str("name"),
		Price:  f.price("price"),
		Server: f.str("server"),
		Status: f.str("status"),
		Raw:    keepRaw(b),
	}
	return f.Err()
}

// UnmarshalJSON decodes a prepaid catalog row. The provider spells the
// maintenance window "maintenace"; the correct spelling is accepted too in
// case it is ever fixed.
func (s *PrepaidService) UnmarshalJSON(b []byte) error {
	if flexjson.IsNull(b) {
		return nil
	}
	f, err := readFields(b)
	if err != nil {
		return err
	}
	maint := f.str("maintenace")
	if f.Has("maintenance") && maint == "" {
		maint = f.str("maintenance")
	}
	*s = PrepaidService{
		Code:        f.str("code"),
		Brand:       f.str("brand"),
		Name:        f.str("name"),
		Note:        f.str("note"),
		Category:    f.str("category"),
		Prepost:     f.str("prepost"),
		Type:        f.str("type"),
		Status:      f.str("status"),
		MultiTrx:    f.bool("multi_trx"),
		Maintenance: maint,
		Price:       f.price("price"),
		Raw:         keepRaw(b),
	}
	return f.Err()
}

// UnmarshalJSON decodes a social-media catalog row; id may be a number.
func (s *SocialService) UnmarshalJSON(b []byte) error {
	if flexjson.IsNull(b) {
		return nil
	}
	f, err := readFields(b)
	if err != nil {
		return err
	}
	*s = SocialService{
		ID:       f.str("id"),
		Category: f.str("category"),
		Name:     f.str("name"),
		Note:     f.str("note"),
		Min:      f.int("min"),
		Max:      f.int("max"),
		Status:   f.str("status"),
		Price:    f.price("price"),
		Raw:      keepRaw(b),
	}
	return f.Err()
}

// UnmarshalJSON decodes a service-stock answer (server is a number here).
func (s *ServiceStock) UnmarshalJSON(b []byte) error {
	if flexjson.IsNull(b) {
		return nil
	}
	f, err := readFields(b)
	if err != nil {
		return err
	}
	*s = ServiceStock{
		Code:        f.str("code"),
		Name:        f.str("name"),
		Description: f.str("description"),
		Price:       f.price("price"),
		Stock:       f.int("stock"),
		Server:      f.str("server"),
		Status:      f.str("status"),
	}
	return f.Err()
}

// UnmarshalJSON decodes a transaction from an order, status or callback
// answer, whichever endpoint it came from.
func (t *Transaction) UnmarshalJSON(b []byte) error {
	if flexjson.IsNull(b) {
		return nil
	}
	f, err := readFields(b)
	if err != nil {
		return err
	}
	*t = Transaction{
		TrxID:    f.str("trxid"),
		Data:     f.str("data"),
		Zone:     f.str("zone"),
		Code:     f.str("code"),
		Service:  f.str("service"),
		Status:   f.str("status"),
		Note:     f.str("note"),
		Price:    f.int("price"),
		Balance:  f.int("balance"),
		Quantity: f.int("quantity"),
		Remain:   f.int("remain"),
		Count:    f.int("count"),
		Raw:      keepRaw(b),
	}
	return f.Err()
}
