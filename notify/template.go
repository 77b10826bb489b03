package notify

import (
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"text/template/parse"
)

// emptyFunc is appended to every printing action, so a missing key (or a
// nil value) prints "" instead of text/template's "<no value>".
const emptyFunc = "vipbaseEmptyIfNil"

// funcs are the helpers a notification template may call.
var funcs = template.FuncMap{
	"rupiah":  rupiah,
	"token":   plnToken,
	"mask":    mask,
	"default": defaultValue,
	emptyFunc: emptyIfNil,
}

// Render executes tmpl (text/template, {{.field}} placeholders) with vars.
// A missing key renders as "", also at any depth ({{.order.number}} with no
// order), so a template edited in the dashboard cannot leak "<no value>".
// Helpers: rupiah (12029 → "Rp 12.029"), token (a 20-digit PLN token →
// "1234 5678 9012 3456 7890"), mask ("081234567890" → "0812****890") and
// default ({{default .name "Kak"}}: the value, or the fallback when empty).
func Render(tmpl string, vars map[string]any) (string, error) {
	t, err := parseTemplate(tmpl)
	if err != nil {
		return "", err
	}
	data := skeleton(t)
	for k, v := range vars {
		if v != nil {
			data[k] = merge(data[k], v)
		}
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", fmt.Errorf("notify: template: %s", cleanErr(err))
	}
	return b.String(), nil
}

// Validate reports why tmpl cannot be used, in words fit for the dashboard:
// a syntax error, an unknown function, a wrong number of arguments. It
// parses tmpl and executes it with every variable missing, which is what a
// send with no vars would do, so what passes here renders at send time as
// long as the values have sensible types.
func Validate(tmpl string) error {
	_, err := Render(tmpl, nil)
	return err
}

func parseTemplate(tmpl string) (*template.Template, error) {
	t, err := template.New("notification").Option("missingkey=zero").Funcs(funcs).Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("notify: template: %s", cleanErr(err))
	}
	if len(t.Templates()) > 1 {
		return nil, errLoops
	}
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			if loops(tt.Tree.Root) {
				return nil, errLoops
			}
			wrapActions(tt.Tree.Root)
		}
	}
	return t, nil
}

// errLoops refuses what could make one message take unbounded time or
// size: {{range 1000000000}} runs inside the writer's transaction, and a
// {{define}} may call itself.
var errLoops = fmt.Errorf("notify: template: range, define, template and block are not allowed: a message is text with {{.field}}, if, with and the helpers")

// loops is whether n holds a range or a template call.
func loops(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if loops(c) {
				return true
			}
		}
	case *parse.RangeNode, *parse.TemplateNode:
		return true
	case *parse.IfNode:
		return loops(n.List) || loops(n.ElseList)
	case *parse.WithNode:
		return loops(n.List) || loops(n.ElseList)
	}
	return false
}

// cleanErr drops text/template's "template: notification:" prefix.
func cleanErr(err error) string {
	s := err.Error()
	s = strings.TrimPrefix(s, "template: ")
	return strings.TrimPrefix(s, "notification:")
}

// wrapActions appends emptyFunc to every action that prints.
func wrapActions(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			wrapActions(c)
		}
	case *parse.ActionNode:
		if len(n.Pipe.Decl) == 0 {
			n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{
				NodeType: parse.NodeCommand, Pos: n.Pos,
				Args: []parse.Node{&parse.IdentifierNode{NodeType: parse.NodeIdentifier, Pos: n.Pos, Ident: emptyFunc}},
			})
		}
	case *parse.IfNode:
		wrapActions(n.List)
		wrapActions(n.ElseList)
	case *parse.RangeNode:
		wrapActions(n.List)
		wrapActions(n.ElseList)
	case *parse.WithNode:
		wrapActions(n.List)
		wrapActions(n.ElseList)
	}
}

func emptyIfNil(v any) any {
	if v == nil {
		return ""
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return "" // a skeleton map standing in for a missing parent
		}
	case float64:
		// A number decoded from the vars JSON: 1000000, not 1e+06.
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
	}
	return v
}

// skeleton returns empty maps for the parents of every dotted field the
// template reads from the root ({{.order.number}} → {"order": {}}), so a
// missing parent reads as missing instead of failing with "nil pointer
// evaluating interface {}.number".
func skeleton(t *template.Template) map[string]any {
	root := map[string]any{}
	for _, tt := range t.Templates() {
		if tt.Tree != nil {
			collect(tt.Tree.Root, root, true)
		}
	}
	return root
}

// collect walks n; atRoot is false inside range and with bodies, where dot
// is no longer the vars.
func collect(n parse.Node, root map[string]any, atRoot bool) {
	addChain := func(idents []string) {
		m := root
		for _, id := range idents[:max(len(idents)-1, 0)] {
			next, ok := m[id].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[id] = next
			}
			m = next
		}
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			collect(c, root, atRoot)
		}
	case *parse.ActionNode:
		collect(n.Pipe, root, atRoot)
	case *parse.PipeNode:
		if n == nil {
			return
		}
		for _, c := range n.Cmds {
			collect(c, root, atRoot)
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			collect(a, root, atRoot)
		}
	case *parse.FieldNode:
		if atRoot {
			addChain(n.Ident)
		}
	case *parse.VariableNode:
		if len(n.Ident) > 1 && n.Ident[0] == "$" {
			addChain(n.Ident[1:])
		}
	case *parse.IfNode:
		collect(n.Pipe, root, atRoot)
		collect(n.List, root, atRoot)
		collect(n.ElseList, root, atRoot)
	case *parse.RangeNode:
		collect(n.Pipe, root, atRoot)
		collect(n.List, root, false)
		collect(n.ElseList, root, atRoot)
	case *parse.WithNode:
		collect(n.Pipe, root, atRoot)
		collect(n.List, root, false)
		collect(n.ElseList, root, atRoot)
	case *parse.TemplateNode:
		collect(n.Pipe, root, atRoot)
	}
}

// merge lays v over the skeleton s: nested maps are merged, anything else
// replaces the skeleton.
func merge(s, v any) any {
	sm, ok1 := s.(map[string]any)
	vm, ok2 := v.(map[string]any)
	if !ok1 || !ok2 {
		return v
	}
	out := make(map[string]any, len(sm)+len(vm))
	for k, x := range sm {
		out[k] = x
	}
	for k, x := range vm {
		if x != nil {
			out[k] = merge(out[k], x)
		}
	}
	return out
}

// rupiah formats a whole amount the Indonesian way: 12029 → "Rp 12.029",
// -500 → "-Rp 500". It takes any integer type, a whole float64 (vars come
// back from JSON as float64) and numeric strings; nil is "".
func rupiah(v any) (string, error) {
	n, ok, err := wholeNumber(v)
	if err != nil || !ok {
		return "", err
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return sign + "Rp " + thousands(uint64(n)), nil
}

func wholeNumber(v any) (int64, bool, error) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Invalid:
		return 0, false, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int(), true, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if rv.Uint() > math.MaxInt64 {
			return 0, false, fmt.Errorf("rupiah: %d is too large", rv.Uint())
		}
		return int64(rv.Uint()), true, nil
	case reflect.Float32, reflect.Float64:
		f := rv.Float()
		if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			return 0, false, fmt.Errorf("rupiah: %v is not a whole number of rupiah", f)
		}
		return int64(f), true, nil
	case reflect.String:
		s := strings.TrimSpace(rv.String())
		if s == "" {
			return 0, false, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, false, fmt.Errorf("rupiah: %q is not a whole number", s)
		}
		return n, true, nil
	}
	if s, ok := v.(fmt.Stringer); ok { // json.Number
		return wholeNumber(s.String())
	}
	return 0, false, fmt.Errorf("rupiah: cannot format %T", v)
}

// thousands writes n with dots between groups of three digits.
func thousands(n uint64) string {
	s := strconv.FormatUint(n, 10)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plnTokenRe is a 20-digit PLN token, alone (spaces and dashes allowed) or
// at the start of a serial number such as "12345678901234567890/BUDI/R1/900VA".
var plnTokenRe = regexp.MustCompile(`^([0-9]{20})(/.*)?$`)

// plnToken groups a 20-digit PLN token in fours so it is easy to type into
// the meter; any other value is returned unchanged (as text).
func plnToken(v any) string {
	s := toText(v)
	compact := strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s))
	m := plnTokenRe.FindStringSubmatch(compact)
	if m == nil {
		return s
	}
	d := m[1]
	return d[0:4] + " " + d[4:8] + " " + d[8:12] + " " + d[12:16] + " " + d[16:20] + m[2]
}

// mask hides the middle of a phone number or similar for operator messages
// and logs: 9 or more characters keep the first 4 and last 3
// ("0812****890"), fewer keep the first 1 and last 2, 3 or fewer are hidden
// whole.
func mask(v any) string {
	r := []rune(strings.TrimSpace(toText(v)))
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 3:
		return "****"
	case len(r) < 9:
		return string(r[:1]) + "****" + string(r[len(r)-2:])
	}
	return string(r[:4]) + "****" + string(r[len(r)-3:])
}

// defaultValue returns value, or fallback when value is missing, nil, zero,
// an empty collection or a blank string: {{default .name "Kak"}}. The
// argument order is (value, fallback), so it is called, not piped.
func defaultValue(value, fallback any) any {
	if value == nil {
		return fallback
	}
	rv := reflect.ValueOf(value)
	switch rv.Kind() {
	case reflect.String:
		if strings.TrimSpace(rv.String()) == "" {
			return fallback
		}
	case reflect.Map, reflect.Slice, reflect.Array:
		if rv.Len() == 0 {
			return fallback
		}
	default:
		if rv.IsZero() {
			return fallback
		}
	}
	return value
}

// toText is how a helper reads a value as text: nil is "", a whole float64
// is printed without exponent (an id or token decoded from JSON).
func toText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e21 {
			return strconv.FormatFloat(x, 'f', 0, 64)
		}
	}
	return fmt.Sprint(v)
}
