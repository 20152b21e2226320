// Package vaulttest runs a real HashiCorp Vault dev server on loopback for
// tests, with a PKI mount, a role for crank's certificates, an AppRole and
// a policy that grants only what crank needs.
package vaulttest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vaultapi "github.com/hashicorp/vault/api"

	"github.com/crank-platform/terraform-provider-crank/internal/testsupport"
)

// Version is the Vault release .ci/run builds.
const Version = "v1.21.4"

// Role is the PKI role every test issues through.
const Role = "crank"

// Policy grants what crank needs on the "pki" mount, and no more.
const Policy = `
path "pki/roles/*"          { capabilities = ["read", "list"] }
path "pki/sign/*"           { capabilities = ["update"] }
path "pki/issuer/+/sign/*"  { capabilities = ["update"] }
path "pki/revoke"           { capabilities = ["update"] }
path "pki/issuers"          { capabilities = ["list"] }
`

// Binary finds vault: $CRANK_VAULT, or the CI cache .ci/run builds it into.
// Missing, it skips locally and fails under CI.
func Binary(t testing.TB) string {
	t.Helper()
	p := os.Getenv("CRANK_VAULT")
	if p == "" {
		home, _ := os.UserHomeDir()
		p = filepath.Join(home, ".cache", "crank-ci", "bin", "vault-"+Version)
	}
	if _, err := os.Stat(p); err != nil {
		msg := fmt.Sprintf("vault not found at %s: build it with ../shared/tools/build-vault.sh %s (.ci/run does)", p, p)
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return p
}

// Server is a running Vault dev server.
type Server struct {
	Addr      string
	RootToken string
	// CACertPEM is the CA of the server's TLS certificate (-dev-tls only).
	CACertPEM string
	// Token has only Policy; RoleID and SecretID log in to an AppRole
	// with the same policy.
	Token, RoleID, SecretID string
	API                     *vaultapi.Client
	bin                     string
	cmd                     *exec.Cmd
	log                     *testsupport.SyncBuffer
	once                    sync.Once
}

// Options change how the server starts.
type Options struct {
	// TLS runs it with -dev-tls: HTTPS with a CA of its own.
	TLS bool
}

// Start runs `vault server -dev` on a free loopback port and sets up the
// PKI mount "pki" with a root issuer named "root-a", the role Role, and the
// AppRole "crank". It is stopped when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	port := testsupport.FreePort(t)
	const root = "crank-test-root-token"
	args := []string{"server", "-dev", "-dev-root-token-id=" + root, fmt.Sprintf("-dev-listen-address=127.0.0.1:%d", port), "-dev-no-store-token"}
	scheme := "http"
	if o.TLS {
		args = append(args, "-dev-tls", "-dev-tls-cert-dir="+dir)
		scheme = "https"
	}
	log := &testsupport.SyncBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), "HOME="+dir, "VAULT_ADDR=", "VAULT_TOKEN=")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: fmt.Sprintf("%s://127.0.0.1:%d", scheme, port), RootToken: root, bin: bin, cmd: cmd, log: log}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() {
			t.Logf("vault log:\n%s", log.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		if o.TLS && s.CACertPEM == "" {
			if pemBytes, err := os.ReadFile(filepath.Join(dir, "vault-ca.pem")); err == nil && len(pemBytes) > 0 {
				s.CACertPEM = string(pemBytes)
			}
		}
		if !o.TLS || s.CACertPEM != "" {
			if c, err := s.client(root); err == nil {
				if h, err := c.Sys().HealthWithContext(ctx); err == nil && h.Initialized && !h.Sealed {
					s.API = c
					break
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if s.API == nil {
		t.Fatalf("vault did not become healthy within 90 s; log:\n%s", log.String())
	}
	s.setup(t)
	return s
}

func (s *Server) client(token string) (*vaultapi.Client, error) {
	cfg := vaultapi.DefaultConfig()
	cfg.Address = s.Addr
	cfg.MaxRetries = 0
	if s.CACertPEM != "" {
		if err := cfg.ConfigureTLS(&vaultapi.TLSConfig{CACertBytes: []byte(s.CACertPEM)}); err != nil {
			return nil, err
		}
	}
	c, err := vaultapi.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	c.SetToken(token)
	return c, nil
}

// Write writes as root, failing the test on error.
func (s *Server) Write(t testing.TB, path string, data map[string]any) map[string]any {
	t.Helper()
	sec, err := s.API.Logical().Write(path, data)
	if err != nil {
		t.Fatalf("vault write %s: %v", path, err)
	}
	if sec == nil {
		return nil
	}
	return sec.Data
}

// RoleSettings are the role's settings Start writes; tests change them
// with SetRole.
func RoleSettings() map[string]any {
	return map[string]any{
		"allowed_domains":  "svc.internal",
		"allow_subdomains": true,
		"allowed_uri_sans": "spiffe://example.org/*",
		"allow_ip_sans":    true,
		"key_type":         "any",
		"max_ttl":          "720h",
		"ttl":              "24h",
		"require_cn":       false,
		"server_flag":      true,
		"client_flag":      true,
		"no_store":         false,
	}
}

// SetRole rewrites the role with the defaults changed by overrides.
func (s *Server) SetRole(t testing.TB, overrides map[string]any) {
	t.Helper()
	settings := RoleSettings()
	for k, v := range overrides {
		settings[k] = v
	}
	s.Write(t, "pki/roles/"+Role, settings)
}

func (s *Server) setup(t testing.TB) {
	t.Helper()
	if err := s.API.Sys().Mount("pki", &vaultapi.MountInput{Type: "pki", Config: vaultapi.MountConfigInput{MaxLeaseTTL: "8760h"}}); err != nil {
		t.Fatalf("enable pki: %v", err)
	}
	s.Write(t, "pki/root/generate/internal", map[string]any{"common_name": "Vault Test Root A", "issuer_name": "root-a", "key_type": "ec", "key_bits": 256, "ttl": "8000h"})
	s.SetRole(t, nil)
	if err := s.API.Sys().PutPolicy("crank-pki", Policy); err != nil {
		t.Fatalf("policy: %v", err)
	}
	tok, err := s.API.Auth().Token().Create(&vaultapi.TokenCreateRequest{Policies: []string{"crank-pki"}, TTL: "2h", NoDefaultPolicy: true})
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	s.Token = tok.Auth.ClientToken
	if err := s.API.Sys().EnableAuthWithOptions("approle", &vaultapi.EnableAuthOptions{Type: "approle"}); err != nil {
		t.Fatalf("enable approle: %v", err)
	}
	s.Write(t, "auth/approle/role/crank", map[string]any{"token_policies": "crank-pki", "token_ttl": "1h"})
	sec, err := s.API.Logical().Read("auth/approle/role/crank/role-id")
	if err != nil || sec == nil {
		t.Fatalf("read role-id: %v", err)
	}
	s.RoleID = sec.Data["role_id"].(string)
	s.SecretID = s.Write(t, "auth/approle/role/crank/secret-id", map[string]any{})["secret_id"].(string)
}

// EnableMount enables an empty PKI mount (no issuer yet) with the role Role,
// for an intermediate that is generated in Vault and signed elsewhere.
func (s *Server) EnableMount(t testing.TB, mount string) {
	t.Helper()
	if err := s.API.Sys().Mount(mount, &vaultapi.MountInput{Type: "pki", Config: vaultapi.MountConfigInput{MaxLeaseTTL: "8760h"}}); err != nil {
		t.Fatalf("enable %s: %v", mount, err)
	}
	s.Write(t, mount+"/roles/"+Role, RoleSettings())
}

// RotateRoot makes a new root issuer named name the mount's default, as a
// CA rotation does; the old issuer stays in the mount.
func (s *Server) RotateRoot(t testing.TB, name string) string {
	t.Helper()
	out := s.Write(t, "pki/root/rotate/internal", map[string]any{"common_name": "Vault Test Root " + strings.ToUpper(name), "issuer_name": name, "key_type": "ec", "ttl": "8000h"})
	id, _ := out["issuer_id"].(string)
	s.Write(t, "pki/config/issuers", map[string]any{"default": id})
	return id
}

// Seal seals the server with the real CLI, `vault operator seal`.
func (s *Server) Seal(t testing.TB) {
	t.Helper()
	s.cli(t, "operator", "seal")
}

func (s *Server) cli(t testing.TB, args ...string) string {
	t.Helper()
	cmd := exec.Command(s.bin, args...)
	env := append(os.Environ(), "VAULT_ADDR="+s.Addr, "VAULT_TOKEN="+s.RootToken)
	if s.CACertPEM != "" {
		ca := filepath.Join(t.TempDir(), "vault-ca.pem")
		if err := os.WriteFile(ca, []byte(s.CACertPEM), 0o600); err != nil {
			t.Fatal(err)
		}
		env = append(env, "VAULT_CACERT="+ca)
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("vault %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Stop ends the server (idempotent); tests of an unreachable Vault call it.
func (s *Server) Stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	})
}
