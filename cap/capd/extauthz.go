package capd

import (
	"context"
	"net/http"
	"strings"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	rpcstatus "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// Headers an allowed request carries upstream, overwriting whatever the
// client sent under these names, so the backend can log the caller.
const (
	HeaderCaller     = "X-Cap-Caller"
	HeaderCapability = "X-Cap-Capability"
)

// ExtAuthz is the Envoy ext_authz gRPC service
// (envoy.service.auth.v3.Authorization) of a Server.
type ExtAuthz struct {
	authv3.UnimplementedAuthorizationServer
	server *Server
}

var _ authv3.AuthorizationServer = (*ExtAuthz)(nil)

// ExtAuthz returns the gRPC service to register on a server built with
// cap.GRPCServerOptions, together with ProxyInterceptor.
func (s *Server) ExtAuthz() *ExtAuthz { return &ExtAuthz{server: s} }

// ProxyInterceptor refuses every call from a peer that is not one of the
// configured proxies, before any decision is made.
func (s *Server) ProxyInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		var state *credentials.TLSInfo
		if p, ok := peer.FromContext(ctx); ok {
			if info, ok := p.AuthInfo.(credentials.TLSInfo); ok {
				state = &info
			}
		}
		if state == nil {
			return nil, status.Error(codes.Unauthenticated, "decision server: the connection is not mutual TLS")
		}
		id, err := cap.PeerSPIFFEID(&state.State)
		if err != nil || !s.allowedProxy(id.String()) {
			s.logger.Warn("decision request refused: the peer is not a configured proxy", "peer", id.String(), "method", info.FullMethod)
			return nil, status.Errorf(codes.PermissionDenied, "decision server: peer %q is not a configured proxy; add its SPIFFE ID to proxies", id.String())
		}
		return handler(ctx, req)
	}
}

// Check answers one ext_authz request. It never returns an error for a
// denial: the answer is a denied CheckResponse with the HTTP status,
// headers and JSON body that HTTPMiddleware would have sent.
func (a *ExtAuthz) Check(ctx context.Context, req *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	started := time.Now()
	attrs := req.GetAttributes()
	httpReq := attrs.GetRequest().GetHttp()
	headers := requestHeaders(httpReq)
	// Only context_extensions, never a request header: Envoy's route
	// headers are added after ext_authz runs, so a header here is the
	// client's, who could pick a more permissive service's bundle.
	selected := attrs.GetContextExtensions()[a.server.selector]
	d := a.server.decide(ctx, a.server.extAuthz, forwarded{
		selected:    selected,
		serverName:  attrs.GetTlsSession().GetSni(),
		method:      httpReq.GetMethod(),
		uri:         httpReq.GetPath(),
		grpc:        strings.HasPrefix(headers["content-type"], "application/grpc"),
		certificate: attrs.GetSource().GetCertificate(),
		principal:   attrs.GetSource().GetPrincipal(),
	}, started)
	if d.Allowed() {
		return &authv3.CheckResponse{
			Status: &rpcstatus.Status{Code: int32(codes.OK)},
			HttpResponse: &authv3.CheckResponse_OkResponse{OkResponse: &authv3.OkHttpResponse{
				Headers: []*corev3.HeaderValueOption{
					overwrite(HeaderCaller, d.Caller),
					overwrite(HeaderCapability, d.Capability),
					overwrite(cap.HeaderBundleDigest, d.BundleDigest),
				},
			}},
		}, nil
	}
	code, httpStatus := codes.PermissionDenied, typev3.StatusCode_Forbidden
	if cap.DenialStatus(d) == http.StatusTooManyRequests {
		code, httpStatus = codes.ResourceExhausted, typev3.StatusCode_TooManyRequests
	}
	var out []*corev3.HeaderValueOption
	for name, values := range cap.DenialHeaders(d) {
		out = append(out, overwrite(name, values[0]))
	}
	out = append(out, overwrite("Content-Type", "application/json"), overwrite("Cache-Control", "no-store"))
	return &authv3.CheckResponse{
		Status: &rpcstatus.Status{Code: int32(code), Message: "capability " + d.Capability + " denied: " + string(d.Reason)},
		HttpResponse: &authv3.CheckResponse_DeniedResponse{DeniedResponse: &authv3.DeniedHttpResponse{
			Status:  &typev3.HttpStatus{Code: httpStatus},
			Headers: out,
			Body:    string(cap.DenialJSON(d)),
		}},
	}, nil
}

func overwrite(name, value string) *corev3.HeaderValueOption {
	return &corev3.HeaderValueOption{
		Header:       &corev3.HeaderValue{Key: name, Value: value},
		AppendAction: corev3.HeaderValueOption_OVERWRITE_IF_EXISTS_OR_ADD,
	}
}

// requestHeaders reads the request headers, which Envoy sends as a map
// or, with encode_raw_headers, as a header map; keys are lower case.
func requestHeaders(r *authv3.AttributeContext_HttpRequest) map[string]string {
	if headers := r.GetHeaders(); len(headers) > 0 {
		return headers
	}
	out := map[string]string{}
	for _, h := range r.GetHeaderMap().GetHeaders() {
		value := h.GetValue()
		if value == "" {
			value = string(h.GetRawValue())
		}
		out[strings.ToLower(h.GetKey())] = value
	}
	return out
}
