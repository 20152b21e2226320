package cap

type matcherKind uint8

const (
	matchExact matcherKind = iota
	matchPrefix
	matchTrustDomain
)

// matcher is a resolved Caller. The sets it describes are nested or
// disjoint (an ID, the subtree under a path, a whole trust domain), which
// keeps shadowing analysis exact without any set algebra.
type matcher struct {
	kind matcherKind
	id   SPIFFEID
}

func (m matcher) String() string {
	switch m.kind {
	case matchPrefix:
		return "callers under " + m.id.String()
	case matchTrustDomain:
		return "every caller in trust domain " + m.id.TrustDomain
	default:
		return "caller " + m.id.String()
	}
}

func (m matcher) matches(id SPIFFEID) bool {
	switch m.kind {
	case matchExact:
		return id == m.id
	case matchPrefix:
		return id.HasPathPrefix(m.id)
	default:
		return id.TrustDomain == m.id.TrustDomain
	}
}

// contains reports whether every caller o matches is also matched by m.
func (m matcher) contains(o matcher) bool {
	switch m.kind {
	case matchExact:
		return o.kind == matchExact && o.id == m.id
	case matchPrefix:
		return o.kind != matchTrustDomain && o.id.HasPathPrefix(m.id)
	default:
		return o.id.TrustDomain == m.id.TrustDomain
	}
}

func intersect(a, b matcher) (matcher, bool) {
	switch {
	case a.contains(b):
		return b, true
	case b.contains(a):
		return a, true
	}
	return matcher{}, false
}
