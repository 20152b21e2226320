package cap

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

func TestGRPCServerOptionsCapConnectionsPerIdentity(t *testing.T) {
	s := startTestServer(t, okHandler(), ServerLimits{}) // for its client certificates
	ca, files, _, _ := workerFiles(t)
	s.ca = ca
	s.roots.AddCert(ca.cert)
	workerTLS, err := LoadWorkerTLS(files, slogJSON(s.logs), nil)
	if err != nil {
		t.Fatal(err)
	}
	options, conns, err := GRPCServerOptions(workerTLS, ServerLimits{MaxConnsPerIdentity: 2}, slogJSON(s.logs))
	if err != nil {
		t.Fatal(err)
	}
	e := mustCompile(t, billingPolicy())
	server := grpc.NewServer(append(options, grpc.UnaryInterceptor(UnaryServerInterceptor(e, nil)))...)
	healthpb.RegisterHealthServer(server, health.NewServer())
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)

	call := func(config *tls.Config) (codes.Code, *grpc.ClientConn) {
		client, err := grpc.NewClient(listener.Addr().String(), grpc.WithTransportCredentials(credentials.NewTLS(config)))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err = healthpb.NewHealthClient(client).Check(ctx, &healthpb.HealthCheckRequest{})
		return status.Code(err), client
	}
	idler := s.clientConfig(t, "spiffe://example.org/idler")
	var admitted []*grpc.ClientConn
	refused := 0
	for range 5 {
		code, client := call(idler)
		switch code {
		case codes.PermissionDenied: // through the connection cap, denied by the policy
			admitted = append(admitted, client)
		case codes.Unavailable:
			refused++
			_ = client.Close()
		default:
			t.Fatalf("unexpected %s", code)
		}
	}
	if len(admitted) != 2 || refused != 3 || conns.Counts().RefusedPerIdentity < 3 {
		t.Fatalf("%d admitted, %d refused, counts %+v", len(admitted), refused, conns.Counts())
	}
	_ = admitted[0].Close()
	waitFor(t, "the closed gRPC connection to be released", func() bool {
		return conns.Counts().OpenByIdentity["spiffe://example.org/idler"] == 1
	})
	if code, client := call(idler); code != codes.PermissionDenied {
		t.Fatalf("a freed slot is not reusable: %s", code)
	} else {
		_ = client.Close()
	}
	_ = admitted[1].Close()
}
