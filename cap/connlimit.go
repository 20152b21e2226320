package cap

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// noIdentityKey is the one count shared by every peer whose verified
// certificate carries no valid SPIFFE ID, so such certificates cannot
// dodge the per-identity cap by all being different.
const noIdentityKey = "(no valid SPIFFE ID)"

// ConnLimiter caps open connections per peer SPIFFE ID and in total. It
// admits a connection when its handshake has verified the client
// certificate (so the identity is known and proven) and releases it when
// the server reports it closed. A connection over a cap fails its
// handshake; the first refusal of an episode is logged, every refusal is
// counted.
type ConnLimiter struct {
	perIdentity, total int
	logger             *slog.Logger

	mu           sync.Mutex
	open         map[net.Conn]string
	byIdentity   map[string]*identityConns
	totalOpen    int
	totalRefusal refusalNote
	peak         int

	admitted           atomic.Uint64
	refusedPerIdentity atomic.Uint64
	refusedTotal       atomic.Uint64
	http2Errors        sync.Map // error type -> *atomic.Uint64
	errorLogSuppressed atomic.Uint64
}

type identityConns struct {
	open    int
	refusal refusalNote
}

// refusalLogInterval spaces the refusal lines of one identity (and of the
// total cap): a flood of refused handshakes logs one line, then one a
// minute with the count refused meanwhile, until its connections are gone.
const refusalLogInterval = time.Minute

type refusalNote struct {
	lastLogged time.Time
	since      uint64
}

// note counts a refusal and reports whether to log it, with how many
// refusals went unlogged before it.
func (n *refusalNote) note(now time.Time) (log bool, unlogged uint64) {
	if !n.lastLogged.IsZero() && now.Sub(n.lastLogged) < refusalLogInterval {
		n.since++
		return false, 0
	}
	unlogged, n.since, n.lastLogged = n.since, 0, now
	return true, unlogged
}

// NewConnLimiter caps connections at perIdentity per SPIFFE ID and total
// overall.
func NewConnLimiter(perIdentity, total int, logger *slog.Logger) *ConnLimiter {
	if logger == nil {
		logger = slog.Default()
	}
	return &ConnLimiter{perIdentity: perIdentity, total: total, logger: logger,
		open: map[net.Conn]string{}, byIdentity: map[string]*identityConns{}}
}

// admit runs as the handshake's VerifyConnection: the chain is verified,
// the connection is not yet serving.
func (l *ConnLimiter) admit(raw net.Conn, state tls.ConnectionState) error {
	key := noIdentityKey
	if id, err := PeerSPIFFEID(&state); err == nil {
		key = id.String()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	conns := l.byIdentity[key]
	if conns == nil {
		conns = &identityConns{}
		l.byIdentity[key] = conns
	}
	switch {
	case conns.open >= l.perIdentity:
		l.refusedPerIdentity.Add(1)
		if log, unlogged := conns.refusal.note(time.Now()); log {
			l.logger.Warn("connection refused: the peer identity is at its connection cap; further refusals are counted and logged at most once a minute",
				"peer", key, "remote_addr", remoteAddr(raw), "open", conns.open, "cap", l.perIdentity, "refused_unlogged_before", unlogged)
		}
		return fmt.Errorf("%s already has %d open connections, the per-identity %s", key, conns.open, connCapMarker)
	case l.totalOpen >= l.total:
		l.refusedTotal.Add(1)
		if log, unlogged := l.totalRefusal.note(time.Now()); log {
			l.logger.Warn("connection refused: the server is at its total connection cap; further refusals are counted and logged at most once a minute",
				"peer", key, "remote_addr", remoteAddr(raw), "open", l.totalOpen, "cap", l.total, "refused_unlogged_before", unlogged)
		}
		l.forgetIfEmpty(key, conns)
		return fmt.Errorf("server has %d open connections, the total %s", l.totalOpen, connCapMarker)
	}
	conns.open++
	l.peak = max(l.peak, conns.open)
	l.totalOpen++
	l.open[raw] = key
	l.admitted.Add(1)
	return nil
}

// connCapMarker ends every refusal error, so the server's error log (which
// net/http writes for every failed handshake) can leave out what the
// limiter has already logged once.
const connCapMarker = "connection cap"

func (l *ConnLimiter) forgetIfEmpty(key string, conns *identityConns) {
	if conns.open == 0 {
		delete(l.byIdentity, key)
	}
}

// release forgets a closed connection. Connections that were never
// admitted (refused, or failed the handshake) are not in the table.
func (l *ConnLimiter) release(raw net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	key, ok := l.open[raw]
	if !ok {
		return
	}
	delete(l.open, raw)
	l.totalOpen--
	conns := l.byIdentity[key]
	conns.open--
	// With all its connections gone the identity starts afresh, so its
	// next refusal is logged.
	l.forgetIfEmpty(key, conns)
}

// connState is the http.Server.ConnState hook that releases connections.
func (l *ConnLimiter) connState(c net.Conn, state http.ConnState) {
	if state != http.StateClosed && state != http.StateHijacked {
		return
	}
	if tlsConn, ok := c.(*tls.Conn); ok {
		c = tlsConn.NetConn()
	}
	l.release(c)
}

func (l *ConnLimiter) countHTTP2Error(errType string) {
	counter, _ := l.http2Errors.LoadOrStore(errType, new(atomic.Uint64))
	counter.(*atomic.Uint64).Add(1)
}

// ConnCounts is a snapshot of a ConnLimiter; the fields are monotonic
// counters except Open, a gauge, so a metrics exporter can read them as is.
type ConnCounts struct {
	Open           int            `json:"open"`
	OpenByIdentity map[string]int `json:"open_by_identity"`
	// PeakPerIdentity is the most connections any one identity has held.
	PeakPerIdentity    int               `json:"peak_per_identity"`
	Admitted           uint64            `json:"admitted"`
	RefusedPerIdentity uint64            `json:"refused_per_identity"`
	RefusedTotal       uint64            `json:"refused_total"`
	HTTP2Errors        map[string]uint64 `json:"http2_errors"`
	// ServerErrorLogSuppressed counts server error lines (failed
	// handshakes and the like) left out of the log by its rate limit.
	ServerErrorLogSuppressed uint64 `json:"server_error_log_suppressed"`
}

// Counts returns the current counters.
func (l *ConnLimiter) Counts() ConnCounts {
	c := ConnCounts{
		Admitted:                 l.admitted.Load(),
		RefusedPerIdentity:       l.refusedPerIdentity.Load(),
		RefusedTotal:             l.refusedTotal.Load(),
		ServerErrorLogSuppressed: l.errorLogSuppressed.Load(),
		OpenByIdentity:           map[string]int{},
		HTTP2Errors:              map[string]uint64{},
	}
	l.mu.Lock()
	c.Open = l.totalOpen
	c.PeakPerIdentity = l.peak
	for key, conns := range l.byIdentity {
		if conns.open > 0 {
			c.OpenByIdentity[key] = conns.open
		}
	}
	l.mu.Unlock()
	l.http2Errors.Range(func(key, value any) bool {
		c.HTTP2Errors[key.(string)] = value.(*atomic.Uint64).Load()
		return true
	})
	return c
}

func remoteAddr(c net.Conn) string {
	if c == nil || c.RemoteAddr() == nil {
		return ""
	}
	return c.RemoteAddr().String()
}
