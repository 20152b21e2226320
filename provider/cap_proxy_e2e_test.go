package provider

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/crank-platform/terraform-provider-crank/cap/cmd/crank-cap/crankcaptest"
	"github.com/crank-platform/terraform-provider-crank/examples/worker/workertest"
)

// capProxyE2EConfig adds to the end-to-end hierarchy the identities of the
// nginx proxy (its client certificate towards crank-cap) and of crank-cap.
const capProxyE2EConfig = `
resource "crank_certificate" "nginx_proxy" {
  issuer   = crank_ca.intermediate.issuer
  service  = "nginx-proxy"
  validity = "24h"
}
resource "crank_certificate" "crank_cap" {
  issuer       = crank_ca.intermediate.issuer
  service      = "crank-cap"
  dns_names    = ["crank-cap.internal"]
  ip_addresses = ["127.0.0.1"]
  validity     = "24h"
}
`

// nginxConfig puts Debian's nginx in front of a plain HTTP backend:
// ssl_verify_client on, and every request decided by crank-cap through
// auth_request. nginx answers a subrequest status other than 2xx, 401 and
// 403 with 500, so 429 is mapped back from the X-Cap-Reason it captured.
const nginxConfig = `
daemon off;
worker_processes 1;
pid {{DIR}}/nginx.pid;
error_log stderr info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path {{DIR}}/tmp/body;
  proxy_temp_path {{DIR}}/tmp/proxy;
  fastcgi_temp_path {{DIR}}/tmp/fastcgi;
  uwsgi_temp_path {{DIR}}/tmp/uwsgi;
  scgi_temp_path {{DIR}}/tmp/scgi;
  server {
    listen 127.0.0.1:{{PORT}} ssl;
    ssl_certificate {{FILES}}/billing.pem;
    ssl_certificate_key {{FILES}}/billing.key;
    ssl_client_certificate {{FILES}}/trust.pem;
    ssl_verify_client on;
    ssl_verify_depth 3;
    # nginx alone completes the handshake without a client certificate and
    # answers 400; OpenSSL's Require makes the handshake itself fail.
    ssl_conf_command VerifyMode Peer,Require;

    location / {
      auth_request /_cap;
      auth_request_set $cap_caller $upstream_http_x_cap_caller;
      auth_request_set $cap_reason $upstream_http_x_cap_reason;
      auth_request_set $cap_rules $upstream_http_x_cap_rule_ids;
      auth_request_set $cap_retry $upstream_http_retry_after;
      add_header X-Cap-Reason $cap_reason always;
      add_header X-Cap-Rule-Ids $cap_rules always;
      error_page 500 = @cap_overload;
      proxy_set_header X-Cap-Caller $cap_caller;
      proxy_pass http://127.0.0.1:{{BACKEND}};
    }
    location @cap_overload {
      add_header X-Cap-Reason $cap_reason always;
      add_header Retry-After $cap_retry always;
      if ($cap_reason = rate_limited) { return 429; }
      if ($cap_reason = in_flight_limited) { return 429; }
      return 500;
    }
    location = /_cap {
      internal;
      proxy_pass https://127.0.0.1:{{CAP}}/auth;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Client-Cert $ssl_client_escaped_cert;
      proxy_set_header X-Original-Method $request_method;
      proxy_set_header X-Original-URI $request_uri;
      proxy_set_header X-Crank-Service billing;
      proxy_ssl_certificate {{FILES}}/nginx-proxy.pem;
      proxy_ssl_certificate_key {{FILES}}/nginx-proxy.key;
      proxy_ssl_trusted_certificate {{FILES}}/root.pem;
      proxy_ssl_verify on;
      proxy_ssl_verify_depth 3;
      proxy_ssl_name crank-cap.internal;
      proxy_ssl_server_name on;
    }
  }
}
`

// TestAccCapNginxAuthRequest issues every certificate and billing's bundle
// with the provider, runs crank-cap and Debian's nginx (auth_request in
// front of a plain HTTP backend) on them, and calls nginx with curl.
func TestAccCapNginxAuthRequest(t *testing.T) {
	requireAcc(t)
	workertest.RequireTool(t, "curl")
	nginx := workertest.RequireTool(t, "nginx")
	dir := t.TempDir()
	var digest string
	config := strings.ReplaceAll(capE2EConfig, "SIGNING_KEY_FILE", writePolicySigningKey(t, dir)) + capProxyE2EConfig
	files := capE2EFiles(dir, &digest)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{{Config: config, Check: func(s *terraform.State) error {
			if err := files(s); err != nil {
				return err
			}
			write := func(name, content string) error {
				return os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600)
			}
			if err := writeStateFiles(s, "crank_certificate.nginx_proxy", "nginx-proxy", write); err != nil {
				return err
			}
			return writeStateFiles(s, "crank_certificate.crank_cap", "crank-cap", write)
		}}},
	})
	if t.Failed() {
		return
	}

	capConfig, _ := json.Marshal(map[string]any{
		"tls":         map[string]string{"cert": "crank-cap.pem", "key": "crank-cap.key", "ca": "root.pem"},
		"policy_keys": "policy-keys.pem",
		"client_ca":   "trust.pem",
		"proxies":     []string{"spiffe://example.org/nginx-proxy"},
		"selector":    "X-Crank-Service",
		"services":    []map[string]any{{"name": "billing", "bundle": "bundle.json"}},
		"listen":      map[string]string{"auth_request": "127.0.0.1:0"},
	})
	if err := os.WriteFile(filepath.Join(dir, "crank-cap.json"), capConfig, 0o600); err != nil {
		t.Fatal(err)
	}
	capServer := crankcaptest.Start(t, filepath.Join(dir, "crank-cap.json"), "auth_request")

	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend saw %s %s from %s\n", r.Method, r.URL.Path, r.Header.Get("X-Cap-Caller"))
	}))
	defer backend.Close()
	nginxAddr := startNginx(t, nginx, dir, capServer.Addrs["auth_request"], backend.Listener.Addr().String())
	base := "https://" + nginxAddr
	call := func(t *testing.T, cert, method, path string) workertest.CurlResult {
		t.Helper()
		return workertest.Curl(t, dir, filepath.Join(dir, "root.pem"), cert, method, base+path)
	}
	header := func(r workertest.CurlResult, name string) string {
		m := regexp.MustCompile(`(?im)^` + regexp.QuoteMeta(name) + `: *([^\r\n]*)`).FindStringSubmatch(r.Headers)
		if m == nil {
			return ""
		}
		return m[1]
	}

	t.Run("allowed caller gets 200 from the backend", func(t *testing.T) {
		r := call(t, "worker", "GET", "/v1/invoices/42?expand=lines")
		if r.Status != "200" || !strings.Contains(string(r.Body), "backend saw GET /v1/invoices/42 from spiffe://example.org/worker") {
			t.Fatalf("HTTP %s, body %s, stderr %s", r.Status, r.Body, r.Stderr)
		}
	})
	t.Run("denied caller gets 403 with the reason", func(t *testing.T) {
		r := call(t, "worker", "POST", "/v1/invoices")
		if r.Status != "403" || header(r, "X-Cap-Reason") != "matched_deny" || header(r, "X-Cap-Rule-Ids") != "worker-never-creates" {
			t.Fatalf("HTTP %s, headers:\n%s", r.Status, r.Headers)
		}
	})
	t.Run("unlisted caller gets 403", func(t *testing.T) {
		r := call(t, "stranger", "GET", "/v1/invoices/42")
		if r.Status != "403" || header(r, "X-Cap-Reason") != "default" {
			t.Fatalf("HTTP %s, headers:\n%s", r.Status, r.Headers)
		}
	})
	t.Run("unmapped route gets 403", func(t *testing.T) {
		r := call(t, "worker", "DELETE", "/v1/invoices/42")
		if r.Status != "403" || header(r, "X-Cap-Reason") != "unknown_capability" {
			t.Fatalf("HTTP %s, headers:\n%s", r.Status, r.Headers)
		}
	})
	t.Run("a client-supplied certificate header is replaced by nginx", func(t *testing.T) {
		gateway, err := os.ReadFile(filepath.Join(dir, "api-gateway.pem"))
		if err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command("curl", "-sS", "--max-time", "20", "--cacert", filepath.Join(dir, "root.pem"),
			"--cert", filepath.Join(dir, "stranger.pem"), "--key", filepath.Join(dir, "stranger.key"),
			"-H", "X-Client-Cert: "+url.PathEscape(string(gateway)), "-H", "X-Crank-Service: other",
			"-o", "/dev/null", "-w", "%{http_code}", base+"/v1/invoices/42").Output()
		if string(out) != "403" {
			t.Fatalf("stranger claiming the gateway's certificate: HTTP %s", out)
		}
	})
	t.Run("caller over its rate gets 429 with Retry-After", func(t *testing.T) {
		for i := range 2 {
			if r := call(t, "api-gateway", "GET", "/v1/invoices/7"); r.Status != "200" {
				t.Fatalf("request %d within the burst: HTTP %s", i+1, r.Status)
			}
		}
		r := call(t, "api-gateway", "GET", "/v1/invoices/7")
		if r.Status != "429" || header(r, "X-Cap-Reason") != "rate_limited" || !regexp.MustCompile(`^\d+$`).MatchString(header(r, "Retry-After")) {
			t.Fatalf("HTTP %s, headers:\n%s", r.Status, r.Headers)
		}
	})
	t.Run("no client certificate is refused in the handshake", func(t *testing.T) {
		if r := call(t, "", "GET", "/v1/invoices/42"); r.ExitCode == 0 || r.Status != "000" {
			t.Fatalf("without a client certificate: exit %d, HTTP %s", r.ExitCode, r.Status)
		}
	})
	// nginx's own verify callback lets the handshake finish and answers
	// 400 itself: neither crank-cap nor the backend sees the request.
	t.Run("certificate from another CA is refused by nginx", func(t *testing.T) {
		if r := call(t, "forged-gateway", "GET", "/v1/invoices/42"); r.Status != "400" || !strings.Contains(string(r.Body), "SSL certificate error") {
			t.Fatalf("with another CA's certificate: exit %d, HTTP %s", r.ExitCode, r.Status)
		}
	})
}

// startNginx writes the configuration and runs nginx in the foreground on
// a loopback port; it is stopped when the test ends.
func startNginx(t *testing.T, nginx, files, capAddr, backendAddr string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, capPort, _ := strings.Cut(capAddr, ":")
	_, backendPort, _ := strings.Cut(backendAddr, ":")
	// A free port can be taken between probing and nginx binding it.
	for range 5 {
		port, err := freePort()
		if err != nil {
			t.Fatal(err)
		}
		conf := strings.NewReplacer("{{DIR}}", dir, "{{FILES}}", files, "{{PORT}}", fmt.Sprint(port),
			"{{CAP}}", capPort, "{{BACKEND}}", backendPort).Replace(nginxConfig)
		if addr, ok := runNginx(t, nginx, dir, conf, fmt.Sprintf("127.0.0.1:%d", port)); ok {
			return addr
		}
	}
	t.Fatal("no free port for nginx after 5 attempts")
	return ""
}

// runNginx starts nginx on conf and waits until addr accepts connections;
// ok is false when the port was taken meanwhile.
func runNginx(t *testing.T, nginx, dir, conf, addr string) (string, bool) {
	t.Helper()
	confFile := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confFile, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginx, "-p", dir, "-c", confFile, "-e", "stderr")
	var log syncBuffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			if strings.Contains(log.String(), "Address already in use") {
				return "", false
			}
			t.Fatalf("nginx exited: %v\n%s", err, log.String())
		default:
		}
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			_ = conn.Close()
			t.Cleanup(func() {
				_ = cmd.Process.Signal(syscall.SIGQUIT)
				select {
				case <-exited:
				case <-time.After(10 * time.Second):
					_ = cmd.Process.Kill()
					<-exited
				}
				if t.Failed() {
					t.Logf("nginx log:\n%s", log.String())
				}
			})
			return addr, true
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	t.Fatalf("nginx did not listen on %s:\n%s", addr, log.String())
	return "", false
}
