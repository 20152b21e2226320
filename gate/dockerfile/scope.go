package dockerfile

import "sort"

// scope holds ARG/ENV values with their history, so each instruction can
// later answer "what was VAR here?" by version without every instruction
// copying the variable table (which would be quadratic on big files).
type scope struct {
	// parent is the frozen ENV of the stage this one is built FROM;
	// layering instead of copying keeps long FROM chains linear.
	parent  *scopeView
	cur     map[string]string
	hist    map[string][]scopeEntry
	version int
}

type scopeEntry struct {
	version int
	value   string
	set     bool
}

func newScope() *scope {
	return &scope{cur: map[string]string{}, hist: map[string][]scopeEntry{}}
}

func (s *scope) set(k, v string) {
	s.version++
	s.cur[k] = v
	s.hist[k] = append(s.hist[k], scopeEntry{version: s.version, value: v, set: true})
}

// Get and Keys make scope a BuildKit shell.EnvGetter.
func (s *scope) Get(k string) (string, bool) {
	if v, ok := s.cur[k]; ok {
		return v, true
	}
	if s.parent != nil {
		return s.parent.get(k)
	}
	return "", false
}

// Keys lists this layer's names only; BuildKit's lexer never calls it.
func (s *scope) Keys() []string {
	keys := make([]string, 0, len(s.cur))
	for k := range s.cur {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// view pins the scope at its current version for one instruction.
func (s *scope) view() *scopeView { return &scopeView{s: s, version: s.version} }

type scopeView struct {
	s       *scope
	version int
}

func (v *scopeView) get(k string) (string, bool) {
	h := v.s.hist[k]
	i := sort.Search(len(h), func(i int) bool { return h[i].version > v.version })
	if i == 0 {
		if v.s.parent != nil {
			return v.s.parent.get(k)
		}
		return "", false
	}
	e := h[i-1]
	return e.value, e.set
}
