package cap

import (
	"log/slog"
	"net"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/keepalive"
)

// GRPCServerOptions are the gRPC counterpart of NewHTTPServer: mTLS with
// workerTLS's material, the per-identity and total connection caps, and the
// same limits (handshake timeout, HTTP/2 streams, header size, receive
// windows, idle connections, pings). Add the interceptors and serve.
func GRPCServerOptions(workerTLS *WorkerTLS, limits ServerLimits, logger *slog.Logger) ([]grpc.ServerOption, *ConnLimiter, error) {
	limits, conns, _, err := prepareServer(limits, logger)
	if err != nil {
		return nil, nil, err
	}
	creds := &cappedCredentials{TransportCredentials: credentials.NewTLS(workerTLS.ServerConfig()), conns: conns}
	return []grpc.ServerOption{
		grpc.Creds(creds),
		grpc.ConnectionTimeout(limits.ReadHeaderTimeout),
		grpc.MaxConcurrentStreams(uint32(limits.MaxConcurrentStreams)),
		grpc.MaxHeaderListSize(uint32(limits.MaxHeaderBytes)),
		grpc.InitialWindowSize(int32(limits.HTTP2StreamBuffer)),
		grpc.InitialConnWindowSize(int32(limits.HTTP2ConnBuffer)),
		grpc.KeepaliveParams(keepalive.ServerParameters{
			MaxConnectionIdle: limits.IdleTimeout,
			Time:              limits.HTTP2PingAfter,
			Timeout:           limits.HTTP2PingTimeout,
		}),
	}, conns, nil
}

// cappedCredentials admits each verified peer through the ConnLimiter and
// releases it when gRPC closes the connection.
type cappedCredentials struct {
	credentials.TransportCredentials
	conns *ConnLimiter
}

func (c *cappedCredentials) ServerHandshake(raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	conn, info, err := c.TransportCredentials.ServerHandshake(raw)
	if err != nil {
		return nil, nil, err
	}
	tlsInfo, ok := info.(credentials.TLSInfo)
	if !ok {
		_ = conn.Close()
		return nil, nil, errNotTLS
	}
	if err := c.conns.admit(raw, tlsInfo.State); err != nil {
		_ = conn.Close()
		return nil, nil, err
	}
	return &releasingConn{Conn: conn, release: func() { c.conns.release(raw) }}, info, nil
}

func (c *cappedCredentials) Clone() credentials.TransportCredentials {
	return &cappedCredentials{TransportCredentials: c.TransportCredentials.Clone(), conns: c.conns}
}

type releasingConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *releasingConn) Close() error {
	c.once.Do(c.release)
	return c.Conn.Close()
}
