// Package flexjson reads the loosely typed JSON that PHP services answer
// with: numbers arrive as strings, strings as numbers, booleans as "1", and
// a field may change type between operations. Its readers accept every such
// spelling of a value and reject only what cannot be that value at all (an
// object where a string belongs, "abc" where a number belongs), so a really
// malformed answer is still reported. What a whole number or an amount of
// money may look like is each client's own rule; NumberText gives it the
// text to judge.
package flexjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// IsNull reports whether raw is empty or the JSON null.
func IsNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// String accepts a JSON string, number or boolean; null is "". A number or
// boolean gives its literal text; a string is returned as it is, spaces
// included.
func String(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if IsNull(t) {
		return "", nil
	}
	switch t[0] {
	case '"':
		return unquote(t)
	case '{', '[':
		return "", fmt.Errorf("want a string, got %s", KindOf(t))
	}
	if !json.Valid(t) {
		return "", errors.New("invalid JSON value")
	}
	return string(t), nil
}

// NumberText returns the text of a JSON number or numeric string, trimmed;
// null and "" are "". It does not check that the text is a number: the
// caller parses it by its own rules.
func NumberText(raw json.RawMessage) (string, error) {
	t := bytes.TrimSpace(raw)
	if IsNull(t) {
		return "", nil
	}
	switch t[0] {
	case '"':
		s, err := unquote(t)
		return strings.TrimSpace(s), err
	case '{', '[', 't', 'f':
		return "", fmt.Errorf("want a number, got %s", KindOf(t))
	}
	return string(t), nil
}

// Bool accepts true/false, 1/0 and their string forms (any letter case,
// spaces around); null and "" are false.
func Bool(raw json.RawMessage) (bool, error) {
	t := bytes.TrimSpace(raw)
	if IsNull(t) {
		return false, nil
	}
	s := string(t)
	if t[0] == '"' {
		if err := json.Unmarshal(t, &s); err != nil {
			return false, err
		}
		s = strings.ToLower(strings.TrimSpace(s))
	}
	switch s {
	case "true", "1":
		return true, nil
	case "false", "0", "":
		return false, nil
	}
	return false, fmt.Errorf("want a boolean, got %q", Truncate(s))
}

// unquote decodes the JSON string t.
func unquote(t []byte) (string, error) {
	var s string
	err := json.Unmarshal(t, &s)
	return s, err
}

// KindOf names the kind of the JSON value t ("an object", "a number", …)
// for an error message. t must be trimmed and not empty.
func KindOf(t []byte) string {
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	}
	return "a number"
}

// Truncate shortens s to 40 bytes for an error message, so a huge or hostile
// value does not flood a log.
func Truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
