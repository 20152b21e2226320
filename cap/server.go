package cap

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// ServerLimits bound what one peer can hold on a worker. A certificate the
// CA issued is enough to connect, even one no rule allows anything, so
// every resource a connection holds has a time or count limit. A zero field
// takes its value from DefaultServerLimits; no limit can be switched off.
type ServerLimits struct {
	// ReadHeaderTimeout bounds the TLS handshake and reading a request's
	// headers (HTTP/1).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included; on HTTP/2
	// it is per stream.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response; on HTTP/2 it is per stream,
	// so a stream whose flow-control window the peer keeps at zero is
	// reset when it runs out.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection (HTTP/1) or an HTTP/2
	// connection with no open stream, including one whose only activity is
	// a header block that never ends (slow CONTINUATION frames).
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds request headers; on HTTP/2 it is the
	// advertised SETTINGS_MAX_HEADER_LIST_SIZE.
	MaxHeaderBytes int
	// MaxConcurrentStreams is the HTTP/2 streams one connection may have open.
	MaxConcurrentStreams int
	// HTTP2PingAfter sends a PING on an HTTP/2 connection that sent no
	// frame for this long; HTTP2PingTimeout closes it if no answer comes.
	HTTP2PingAfter   time.Duration
	HTTP2PingTimeout time.Duration
	// HTTP2StreamBuffer and HTTP2ConnBuffer are the receive windows per
	// stream and per connection (the request body bytes a peer can make
	// the server hold).
	HTTP2StreamBuffer int
	HTTP2ConnBuffer   int
	// MaxConnsPerIdentity bounds the open connections of one SPIFFE ID
	// (all peers without a valid one share one count); MaxConns bounds all
	// open connections. Both are enforced after the handshake.
	MaxConnsPerIdentity int
	MaxConns            int
}

// DefaultServerLimits are sized for a service behind a few dozen callers:
// one caller's 16 connections of 32 streams each is far more than a
// well-behaved client opens, and all limits together keep a misbehaving
// caller's share of memory and file descriptors small.
func DefaultServerLimits() ServerLimits {
	return ServerLimits{
		ReadHeaderTimeout:    5 * time.Second,
		ReadTimeout:          30 * time.Second,
		WriteTimeout:         30 * time.Second,
		IdleTimeout:          60 * time.Second,
		MaxHeaderBytes:       64 << 10,
		MaxConcurrentStreams: 32,
		HTTP2PingAfter:       30 * time.Second,
		HTTP2PingTimeout:     10 * time.Second,
		HTTP2StreamBuffer:    256 << 10,
		HTTP2ConnBuffer:      1 << 20,
		MaxConnsPerIdentity:  16,
		MaxConns:             512,
	}
}

// withDefaults fills zero fields and refuses negative ones.
func (l ServerLimits) withDefaults() (ServerLimits, error) {
	d := DefaultServerLimits()
	var problems []error
	duration := func(name string, v *time.Duration, def time.Duration) {
		switch {
		case *v < 0:
			problems = append(problems, fmt.Errorf("%s is %s; it must be positive (0 takes the default %s)", name, *v, def))
		case *v == 0:
			*v = def
		}
	}
	count := func(name string, v *int, def int) {
		switch {
		case *v < 0:
			problems = append(problems, fmt.Errorf("%s is %d; it must be positive (0 takes the default %d)", name, *v, def))
		case *v == 0:
			*v = def
		}
	}
	duration("ReadHeaderTimeout", &l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	duration("ReadTimeout", &l.ReadTimeout, d.ReadTimeout)
	duration("WriteTimeout", &l.WriteTimeout, d.WriteTimeout)
	duration("IdleTimeout", &l.IdleTimeout, d.IdleTimeout)
	duration("HTTP2PingAfter", &l.HTTP2PingAfter, d.HTTP2PingAfter)
	duration("HTTP2PingTimeout", &l.HTTP2PingTimeout, d.HTTP2PingTimeout)
	count("MaxHeaderBytes", &l.MaxHeaderBytes, d.MaxHeaderBytes)
	count("MaxConcurrentStreams", &l.MaxConcurrentStreams, d.MaxConcurrentStreams)
	count("HTTP2StreamBuffer", &l.HTTP2StreamBuffer, d.HTTP2StreamBuffer)
	count("HTTP2ConnBuffer", &l.HTTP2ConnBuffer, d.HTTP2ConnBuffer)
	count("MaxConnsPerIdentity", &l.MaxConnsPerIdentity, d.MaxConnsPerIdentity)
	count("MaxConns", &l.MaxConns, d.MaxConns)
	if l.MaxConnsPerIdentity > l.MaxConns {
		problems = append(problems, fmt.Errorf("MaxConnsPerIdentity (%d) is larger than MaxConns (%d)", l.MaxConnsPerIdentity, l.MaxConns))
	}
	if err := errors.Join(problems...); err != nil {
		return l, fmt.Errorf("server limits: %w", err)
	}
	return l, nil
}

// NewHTTPServer returns an HTTPS server for handler with workerTLS's
// material and every limit applied, and the ConnLimiter whose counters
// show what was refused. Serve it with ServeTLS(listener, "", "").
func NewHTTPServer(handler http.Handler, workerTLS *WorkerTLS, limits ServerLimits, logger *slog.Logger) (*http.Server, *ConnLimiter, error) {
	limits, conns, logger, err := prepareServer(limits, logger)
	if err != nil {
		return nil, nil, err
	}
	server := &http.Server{
		Handler:           handler,
		TLSConfig:         workerTLS.serverConfig(conns),
		ReadHeaderTimeout: limits.ReadHeaderTimeout,
		ReadTimeout:       limits.ReadTimeout,
		WriteTimeout:      limits.WriteTimeout,
		IdleTimeout:       limits.IdleTimeout,
		MaxHeaderBytes:    limits.MaxHeaderBytes,
		HTTP2: &http.HTTP2Config{
			MaxConcurrentStreams:          limits.MaxConcurrentStreams,
			MaxReceiveBufferPerStream:     limits.HTTP2StreamBuffer,
			MaxReceiveBufferPerConnection: limits.HTTP2ConnBuffer,
			SendPingTimeout:               limits.HTTP2PingAfter,
			PingTimeout:                   limits.HTTP2PingTimeout,
			WriteByteTimeout:              limits.WriteTimeout,
			CountError:                    conns.countHTTP2Error,
		},
		ConnState: conns.connState,
		ErrorLog:  newServerErrorLog(logger, &conns.errorLogSuppressed),
	}
	return server, conns, nil
}

// prepareServer fills the limits and makes the connection limiter both
// server kinds share.
func prepareServer(limits ServerLimits, logger *slog.Logger) (ServerLimits, *ConnLimiter, *slog.Logger, error) {
	if logger == nil {
		logger = slog.Default()
	}
	limits, err := limits.withDefaults()
	if err != nil {
		return limits, nil, nil, err
	}
	return limits, NewConnLimiter(limits.MaxConnsPerIdentity, limits.MaxConns, logger), logger, nil
}

// serverConfig is ServerConfig with each handshake's peer admitted by
// conns once its certificate verified.
func (w *WorkerTLS) serverConfig(conns *ConnLimiter) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS12,
		ClientAuth: tls.RequireAndVerifyClientCert,
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			config := w.current.Load().config.Clone()
			raw := hello.Conn
			config.VerifyConnection = func(state tls.ConnectionState) error { return conns.admit(raw, state) }
			return config, nil
		},
	}
}
