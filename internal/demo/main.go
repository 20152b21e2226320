// Command demo prints a summary of what `make demo` issued and checks it with
// independent tools: openssl verifies every chain, and an openssl mutual-TLS
// handshake runs between two of the issued service identities. It reads the
// JSON of `tofu output -json` on stdin and works in the directory it is given.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/cap"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

type output struct {
	Value json.RawMessage `json:"value"`
}

type service struct {
	CertPEM       string `json:"cert_pem"`
	ChainPEM      string `json:"chain_pem"`
	PrivateKeyPEM string `json:"private_key_pem"`
	SPIFFEID      string `json:"spiffe_id"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: demo WORKDIR < outputs.json")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "demo: "+err.Error())
		os.Exit(1)
	}
}

func run(dir string) error {
	var outs map[string]output
	if err := json.NewDecoder(os.Stdin).Decode(&outs); err != nil {
		return fmt.Errorf("reading tofu output -json: %w", err)
	}
	var rootPEM, interPEM string
	var services map[string]service
	for name, dst := range map[string]any{"root_ca_cert_pem": &rootPEM, "intermediate_ca_cert_pem": &interPEM, "services": &services} {
		o, ok := outs[name]
		if !ok {
			return fmt.Errorf("output %q missing", name)
		}
		if err := json.Unmarshal(o.Value, dst); err != nil {
			return fmt.Errorf("output %q: %w", name, err)
		}
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			panic(err)
		}
		return p
	}
	root, err := pki.ParseCertPEM(rootPEM)
	if err != nil {
		return err
	}
	inter, err := pki.ParseCertPEM(interPEM)
	if err != nil {
		return err
	}
	fmt.Println("Issued hierarchy")
	describe := func(first, rest string, c pki.CertInfo) {
		fmt.Printf("%s%s  (%s, expires %s)\n%ssha256 %s\n", first, c.Subject, c.KeyAlgorithm, c.NotAfter.Format(time.DateOnly), rest, c.FingerprintSHA256)
	}
	describe("  ", "    ", pki.Describe(root))
	describe("  └─ ", "       ", pki.Describe(inter))
	if len(inter.PermittedURIDomains)+len(inter.PermittedDNSDomains) > 0 {
		fmt.Printf("       name constraints: URI %s; DNS %s; IP %d range(s)\n", strings.Join(inter.PermittedURIDomains, ","), strings.Join(inter.PermittedDNSDomains, ","), len(inter.PermittedIPRanges))
	}
	names := make([]string, 0, len(services))
	for n := range services {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		leaf, err := pki.ParseCertPEM(services[n].CertPEM)
		if err != nil {
			return fmt.Errorf("%s: %w", n, err)
		}
		info := pki.Describe(leaf)
		var roles []string
		for _, u := range leaf.ExtKeyUsage {
			roles = append(roles, map[int]string{1: "server", 2: "client"}[int(u)])
		}
		fmt.Printf("       ├─ %-12s %-40s [%s]  expires %s\n", n, info.SPIFFEID, strings.Join(roles, ","), info.NotAfter.Format(time.DateOnly))
	}

	fmt.Println("\nIndependent verification (openssl)")
	rootFile := write("root.pem", rootPEM)
	interFile := write("intermediate.pem", interPEM)
	for _, n := range names {
		leafFile := write(n+".pem", services[n].CertPEM)
		write(n+"-chain.pem", services[n].ChainPEM)
		write(n+"-key.pem", services[n].PrivateKeyPEM)
		out, err := exec.Command("openssl", "verify", "-x509_strict", "-CAfile", rootFile, "-untrusted", interFile, leafFile).CombinedOutput()
		if err != nil {
			return fmt.Errorf("openssl verify %s failed: %s", n, out)
		}
		fmt.Printf("  openssl verify %-12s OK\n", n)
	}
	if _, ok := services["billing"]; ok {
		if _, ok := services["api-gateway"]; ok {
			if err := handshake(dir); err != nil {
				return err
			}
			fmt.Println("  mutual TLS       api-gateway -> billing: handshake OK, both sides verified")
		}
	}
	if o, ok := outs["cap_bundles"]; ok {
		if err := showPolicies(o.Value, names, services); err != nil {
			return err
		}
	}
	fmt.Printf("\nFiles are in %s\n", dir)
	return nil
}

// showPolicies loads each destination's bundle with the same cap evaluator
// services run, and prints who may call what, with the reason.
func showPolicies(raw json.RawMessage, callers []string, services map[string]service) error {
	var bundles map[string]string
	if err := json.Unmarshal(raw, &bundles); err != nil {
		return fmt.Errorf("output cap_bundles: %w", err)
	}
	dests := make([]string, 0, len(bundles))
	for d := range bundles {
		dests = append(dests, d)
	}
	sort.Strings(dests)
	fmt.Println("\nCapability Access Policies (decided by the cap evaluator services import)")
	for _, dest := range dests {
		b, err := cap.Load([]byte(bundles[dest]))
		if err != nil {
			return fmt.Errorf("bundle for %s: %w", dest, err)
		}
		ev, err := cap.Compile(b)
		if err != nil {
			return fmt.Errorf("bundle for %s: %w", dest, err)
		}
		fmt.Printf("  %s  (default %s, %s, %s)\n", dest, b.Policy.DefaultAction, b.Policy.Enforcement, b.Digest)
		for _, c := range b.Policy.Capabilities {
			for _, caller := range callers {
				if caller == dest {
					continue
				}
				d := ev.Decide(services[caller].SPIFFEID, c.Name)
				why := string(d.Reason)
				if len(d.RuleIDs) > 0 {
					why += ": " + strings.Join(d.RuleIDs, ",")
				}
				fmt.Printf("    %-12s -> %-15s %-5s (%s)\n", caller, c.Name, d.Decision, why)
			}
		}
	}
	return nil
}

// handshake runs openssl s_server as billing (requiring a client certificate)
// and openssl s_client as api-gateway.
func handshake(dir string) error {
	port := 20000 + os.Getpid()%20000
	server := exec.Command("openssl", "s_server", "-accept", fmt.Sprint(port), "-naccept", "1",
		"-cert", "billing.pem", "-key", "billing-key.pem", "-cert_chain", "intermediate.pem",
		"-CAfile", "root.pem", "-Verify", "2", "-verify_return_error", "-www")
	// -www serves a status page; without it s_server stops at EOF on stdin.
	server.Dir = dir
	logPath := filepath.Join(dir, "s_server.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	server.Stdout, server.Stderr = logFile, logFile
	if err := server.Start(); err != nil {
		return err
	}
	defer func() { _ = server.Process.Kill(); _ = server.Wait() }()
	for i := 0; i < 200; i++ {
		if b, _ := os.ReadFile(logPath); strings.Contains(string(b), "ACCEPT") {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	client := exec.Command("openssl", "s_client", "-connect", fmt.Sprintf("127.0.0.1:%d", port),
		"-cert", "api-gateway.pem", "-key", "api-gateway-key.pem", "-cert_chain", "intermediate.pem",
		"-CAfile", "root.pem", "-verify_return_error", "-verify_hostname", "billing.svc.cluster.local")
	client.Dir = dir
	client.Stdin = strings.NewReader("GET / HTTP/1.0\r\n\r\n")
	out, err := client.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Verify return code: 0 (ok)") {
		return fmt.Errorf("mutual TLS handshake failed: %v\n%s", err, out)
	}
	return nil
}
