package capd

import (
	"net/http"
	"time"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// Request headers the nginx auth_request subrequest carries (see
// docs/proxies.md for the nginx configuration that sets them).
const (
	HeaderClientCert     = "X-Client-Cert"     // $ssl_client_escaped_cert
	HeaderOriginalMethod = "X-Original-Method" // $request_method
	HeaderOriginalURI    = "X-Original-URI"    // $request_uri
)

// AuthRequest is the HTTP decision endpoint for nginx auth_request: 200
// with X-Cap-Caller when allowed, else 403 or 429 with the denial headers
// and JSON body of HTTPMiddleware. nginx itself turns any status other
// than 2xx, 401 and 403 into a 500, so its configuration maps a 429 (see
// the guide). Serve it with cap.NewHTTPServer: the listener is mutual TLS
// and only configured proxies are answered.
func (s *Server) AuthRequest() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		id, err := cap.PeerSPIFFEID(r.TLS)
		if err != nil || !s.allowedProxy(id.String()) {
			s.logger.Warn("decision request refused: the peer is not a configured proxy", "peer", id.String(), "remote_addr", r.RemoteAddr)
			http.Error(w, "decision server: the peer is not a configured proxy; add its SPIFFE ID to proxies", http.StatusForbidden)
			return
		}
		selected := ""
		if s.selector != "" {
			selected = r.Header.Get(s.selector)
		}
		serverName := ""
		if r.TLS != nil {
			serverName = r.TLS.ServerName
		}
		method := r.Header.Get(HeaderOriginalMethod)
		d := s.decide(r.Context(), s.authRequest, forwarded{
			selected:    selected,
			serverName:  serverName,
			method:      method,
			uri:         r.Header.Get(HeaderOriginalURI),
			grpc:        false,
			certificate: r.Header.Get(HeaderClientCert),
		}, started)
		if d.Allowed() {
			w.Header().Set(HeaderCaller, d.Caller)
			w.Header().Set(HeaderCapability, d.Capability)
			w.Header().Set(cap.HeaderBundleDigest, d.BundleDigest)
			w.WriteHeader(http.StatusOK)
			return
		}
		cap.WriteDenial(w, d)
	})
}
