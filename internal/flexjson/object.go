package flexjson

import (
	"encoding/json"
	"fmt"
)

// Object is one JSON object read leniently. It remembers the first field
// error, so a decoder can read every field and check once.
type Object struct {
	// Fields holds the object's members, undecoded. It is nil for null.
	Fields map[string]json.RawMessage
	err    error
}

// Read splits b into an Object; b must be a JSON object or null.
func Read(b []byte) (*Object, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	return &Object{Fields: m}, nil
}

// Fail records err as the error of the field key, unless an earlier field
// failed already or err is nil.
func (o *Object) Fail(key string, err error) {
	if err != nil && o.err == nil {
		o.err = fmt.Errorf("field %q: %w", key, err)
	}
}

// Err returns the first field error, or nil.
func (o *Object) Err() error { return o.err }

// Has reports whether the object has the member key (null included).
func (o *Object) Has(key string) bool {
	_, ok := o.Fields[key]
	return ok
}

// Field decodes the member key of o with parse; a failure is recorded on o
// (see Object.Fail) and the zero value or partial result returned.
func Field[T any](o *Object, key string, parse func(json.RawMessage) (T, error)) T {
	v, err := parse(o.Fields[key])
	o.Fail(key, err)
	return v
}
