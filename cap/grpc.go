package cap

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"
)

// GRPCErrorDomain is the ErrorInfo domain of denials, so clients can tell
// a policy denial from other PermissionDenied errors.
const GRPCErrorDomain = "cap.crank.dev"

// UnaryServerInterceptor authorizes unary calls; see StreamServerInterceptor.
func UnaryServerInterceptor(source EvaluatorSource, log *DecisionLog, options ...RuntimeOption) grpc.UnaryServerInterceptor {
	enforcer := NewEnforcer(ViaGRPC, log, options...)
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		release, err := authorizeGRPC(ctx, source, enforcer, log != nil, info.FullMethod)
		if err != nil {
			return nil, err
		}
		defer release()
		return handler(ctx, req)
	}
}

// StreamServerInterceptor authorizes a stream once, when it opens. Denials
// are PermissionDenied, rate limits and in-flight limits
// ResourceExhausted; both carry an ErrorInfo (reason, rule IDs) and
// back-pressure a RetryInfo. An in-flight slot is held until the stream
// ends. options add an in-flight limit and metrics.
func StreamServerInterceptor(source EvaluatorSource, log *DecisionLog, options ...RuntimeOption) grpc.StreamServerInterceptor {
	enforcer := NewEnforcer(ViaGRPC, log, options...)
	return func(srv any, stream grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		release, err := authorizeGRPC(stream.Context(), source, enforcer, log != nil, info.FullMethod)
		if err != nil {
			return err
		}
		defer release()
		return handler(srv, stream)
	}
}

func authorizeGRPC(ctx context.Context, source EvaluatorSource, enforcer *Enforcer, logging bool, fullMethod string) (func(), error) {
	started := time.Now()
	evaluator := source.Evaluator()
	capability, _ := evaluator.CapabilityForGRPC(fullMethod)
	var state *tls.ConnectionState
	var remote string
	if p, ok := peer.FromContext(ctx); ok {
		if p.Addr != nil {
			remote = p.Addr.String()
		}
		if info, ok := p.AuthInfo.(credentials.TLSInfo); ok {
			state = &info.State
		}
	}
	d := evaluator.DecidePeer(state, capability)
	var extra []slog.Attr
	if logging {
		extra = []slog.Attr{slog.String("grpc_method", fullMethod)}
		if d.Detail != "" {
			extra = append(extra, peerAttrs(remote, state)...)
		}
	}
	d, release := enforcer.Admit(ctx, d, started, extra...)
	if d.Allowed() {
		return release, nil
	}
	return nil, GRPCDenial(d)
}

// GRPCDenial is the status error for a denied decision.
func GRPCDenial(d Decision) error {
	code := codes.PermissionDenied
	if IsOverload(d.Reason) {
		code = codes.ResourceExhausted
	}
	message := fmt.Sprintf("capability %q denied for %q: reason=%s rule_ids=[%s] bundle=%s",
		d.Capability, d.Caller, d.Reason, strings.Join(d.RuleIDs, ","), d.BundleDigest)
	if d.Detail != "" {
		message += " detail=" + strconv.Quote(d.Detail)
	}
	st := status.New(code, message)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{
		Reason: string(d.Reason),
		Domain: GRPCErrorDomain,
		Metadata: map[string]string{
			"rule_ids":      strings.Join(d.RuleIDs, ","),
			"capability":    d.Capability,
			"service":       d.Service,
			"bundle_digest": d.BundleDigest,
			"detail":        d.Detail,
		},
	}}
	if IsOverload(d.Reason) {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(d.RetryAfter)})
	}
	if withDetails, err := st.WithDetails(details...); err == nil {
		st = withDetails
	}
	return st.Err()
}
