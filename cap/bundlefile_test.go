package cap

import (
	"bytes"
	"crypto/ed25519"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var gatewayReads = Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}

type bundleFileFixture struct {
	path string
	key  ed25519.PrivateKey
	logs *bytes.Buffer
	file *BundleFile
}

func loadSignedBundleFile(t *testing.T, p Policy, config BundleFileConfig) *bundleFileFixture {
	t.Helper()
	fx := &bundleFileFixture{path: filepath.Join(t.TempDir(), "bundle.json"), key: newPolicyKey(t), logs: &bytes.Buffer{}}
	write(t, fx.path, signedBundle(t, p, fx.key))
	config.Logger = slog.New(slog.NewJSONHandler(fx.logs, nil))
	if config.Keys == nil {
		config.Keys = policyKeysOf(fx.key)
	}
	f, err := LoadBundleFile(fx.path, config)
	if err != nil {
		t.Fatal(err)
	}
	fx.file = f
	return fx
}

// rewriteKeepingStamp replaces the file with data of the same size and
// gives it back the modification time it had, the case a size+mtime check
// misses.
func rewriteKeepingStamp(t *testing.T, path string, data []byte) {
	t.Helper()
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(data)) != before.Size() {
		t.Fatalf("test bug: new content is %d bytes, old %d", len(data), before.Size())
	}
	write(t, path, data)
	if err := os.Chtimes(path, before.ModTime(), before.ModTime()); err != nil {
		t.Fatal(err)
	}
}

func TestBundleFileKeepsLastGood(t *testing.T) {
	fx := loadSignedBundleFile(t, billingPolicy(gatewayReads), BundleFileConfig{})
	_, digest, _ := Marshal(billingPolicy(gatewayReads))
	write(t, fx.path, []byte(`{"schema":"crank.cap.signed-bundle/v1"`))
	if changed, err := fx.file.Reload(); changed || err == nil {
		t.Fatalf("truncated bundle accepted: %v %v", changed, err)
	}
	if fx.file.Evaluator().Digest() != digest || !fx.file.Evaluator().Decide(id("/api-gateway"), "invoice.read").Allowed() {
		t.Fatal("last good bundle lost")
	}
	if !strings.Contains(fx.logs.String(), "keeping the last good bundle") {
		t.Fatalf("failure not logged: %s", fx.logs)
	}
	if changed, err := fx.file.Reload(); changed || err != nil {
		t.Fatalf("the same bad file is reported once, not on every poll: %v %v", changed, err)
	}
	write(t, fx.path, signedBundle(t, billingPolicy(), fx.key))
	_, nextDigest, _ := Marshal(billingPolicy())
	if changed, err := fx.file.Reload(); !changed || err != nil || fx.file.Evaluator().Digest() != nextDigest {
		t.Fatalf("good bundle not loaded: %v %v", changed, err)
	}
	if ok, failed := fx.file.ReloadCounts(); ok != 1 || failed != 1 {
		t.Fatalf("reload counts %d/%d", ok, failed)
	}
	if _, err := LoadBundleFile(filepath.Join(t.TempDir(), "missing.json"), BundleFileConfig{Keys: policyKeysOf(fx.key)}); err == nil {
		t.Fatal("missing bundle must fail the start")
	}
}

func TestBundleFileReloadRefusesAnotherService(t *testing.T) {
	fx := loadSignedBundleFile(t, billingPolicy(gatewayReads), BundleFileConfig{Service: "billing"})
	other := billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{TrustDomain: testTD}}, Capabilities: []string{"*"}})
	other.Service = "ledger"
	write(t, fx.path, signedBundle(t, other, fx.key))
	_, err := fx.file.Reload()
	if err == nil || !strings.Contains(err.Error(), `is for service "ledger", this service is "billing"`) {
		t.Fatalf("a bundle for another service must be refused on reload as at start: %v", err)
	}
	if fx.file.Evaluator().Bundle().Policy.Service != "billing" || fx.file.Evaluator().Decide(id("/anyone"), "invoice.create").Allowed() {
		t.Fatal("the other service's bundle is being enforced")
	}
	if !strings.Contains(fx.logs.String(), `is for service \"ledger\"`) {
		t.Fatalf("refusal not logged: %s", fx.logs)
	}
	if _, err := LoadBundleFile(fx.path, BundleFileConfig{Service: "billing", Keys: policyKeysOf(fx.key), Logger: slog.New(slog.DiscardHandler)}); err == nil {
		t.Fatal("start must refuse the same file")
	}
}

func TestBundleFileSameSizeSameMtimeFixIsPickedUp(t *testing.T) {
	// Two policies whose signed files have the same length: rule IDs of
	// equal length, one broken by an untrusted signature.
	fx := loadSignedBundleFile(t, billingPolicy(gatewayReads), BundleFileConfig{})
	stranger := newPolicyKey(t)
	fixedRule := gatewayReads
	fixedRule.ID = "g2"
	broken := signedBundle(t, billingPolicy(fixedRule), stranger)
	fixed := signedBundle(t, billingPolicy(fixedRule), fx.key)
	rewriteKeepingStamp(t, fx.path, broken)
	if _, err := fx.file.Reload(); err == nil {
		t.Fatal("a bundle signed by an untrusted key was accepted")
	}
	rewriteKeepingStamp(t, fx.path, fixed)
	changed, err := fx.file.Reload()
	if err != nil || !changed {
		t.Fatalf("the fix (same size, same mtime as the refused file) was ignored: %v %v", changed, err)
	}
	if got := fx.file.Evaluator().Decide(id("/api-gateway"), "invoice.read").RuleIDs; len(got) != 1 || got[0] != "g2" {
		t.Fatalf("fixed bundle not in force: %v", got)
	}
}

func TestBundleFileRefusesTamperedAndUnsigned(t *testing.T) {
	fx := loadSignedBundleFile(t, billingPolicy(gatewayReads), BundleFileConfig{})
	signed, _ := os.ReadFile(fx.path)
	tampered := bytes.Replace(signed, []byte(`{"service":"api-gateway"}`), []byte(`{"trust_domain":"`+testTD+`"}`), 1)
	plain, _, _ := Marshal(billingPolicy(Rule{ID: "all", Action: ActionAllow, Callers: []Caller{{TrustDomain: testTD}}, Capabilities: []string{"*"}}))
	for name, data := range map[string][]byte{"tampered": tampered, "unsigned": plain} {
		t.Run(name, func(t *testing.T) {
			write(t, fx.path, data)
			if _, err := fx.file.Reload(); err == nil {
				t.Fatal("accepted")
			}
			if fx.file.Evaluator().Decide(id("/stranger"), "invoice.read").Allowed() {
				t.Fatal("the refused bundle is being enforced")
			}
			if _, err := LoadBundleFile(fx.path, BundleFileConfig{Keys: policyKeysOf(fx.key), Logger: slog.New(slog.DiscardHandler)}); err == nil {
				t.Fatal("start accepted it")
			}
		})
	}
	if !strings.Contains(fx.logs.String(), "modified after it was signed") || !strings.Contains(fx.logs.String(), "not signed") {
		t.Fatalf("refusals not logged with their cause: %s", fx.logs)
	}
	if _, err := LoadBundleFile(fx.path, BundleFileConfig{}); err == nil || !strings.Contains(err.Error(), "no policy public keys") {
		t.Fatalf("no keys and no opt-out must fail the start: %v", err)
	}
}

func TestBundleFileUnsignedOptOutIsLoud(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bundle.json")
	plain, _, _ := Marshal(billingPolicy(gatewayReads))
	write(t, path, plain)
	var logs bytes.Buffer
	f, err := LoadBundleFile(path, BundleFileConfig{AllowUnsigned: true, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Evaluator().Decide(id("/api-gateway"), "invoice.read").Allowed() {
		t.Fatal("unsigned bundle not in force under the opt-out")
	}
	if !strings.Contains(logs.String(), `"level":"ERROR","msg":"UNSIGNED capability bundle accepted`) {
		t.Fatalf("the opt-out must log at error level: %s", logs.String())
	}
}

func TestBundleReloadKeepsRateLimitBuckets(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	limited := Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 1, Burst: 2}}
	other := Rule{ID: "jobs", Action: ActionAllow, Callers: []Caller{{Service: "jobs"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 1, Burst: 2}}
	fx := loadSignedBundleFile(t, billingPolicy(limited, other), BundleFileConfig{Options: []Option{WithClock(clock.Now)}})
	for _, caller := range []string{"/api-gateway", "/jobs"} {
		for range 2 {
			if !fx.file.Evaluator().Decide(id(caller), "invoice.read").Allowed() {
				t.Fatal("burst not granted")
			}
		}
	}
	// Another rule changes (jobs' limit); gw is untouched.
	changedOther := other
	changedOther.RateLimit = &RateLimit{RPS: 1, Burst: 3}
	write(t, fx.path, signedBundle(t, billingPolicy(limited, changedOther), fx.key))
	if changed, err := fx.file.Reload(); !changed || err != nil {
		t.Fatalf("reload: %v %v", changed, err)
	}
	if d := fx.file.Evaluator().Decide(id("/api-gateway"), "invoice.read"); d.Reason != ReasonRateLimited {
		t.Fatalf("a reload refilled the unchanged rule's bucket: %s", d.Reason)
	}
	if d := fx.file.Evaluator().Decide(id("/jobs"), "invoice.read"); !d.Allowed() {
		t.Fatalf("a changed rule starts with its new bucket: %s", d.Reason)
	}
}

func TestBundleFileMissingFileIsReportedOnce(t *testing.T) {
	fx := loadSignedBundleFile(t, billingPolicy(gatewayReads), BundleFileConfig{})
	if err := os.Remove(fx.path); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.file.Reload(); err == nil {
		t.Fatal("a vanished bundle must be reported")
	}
	for range 3 {
		if changed, err := fx.file.Reload(); changed || err != nil {
			t.Fatalf("the same missing file is reported once, not on every poll: %v %v", changed, err)
		}
	}
	if n := strings.Count(fx.logs.String(), "cap bundle reload failed"); n != 1 {
		t.Fatalf("logged %d times", n)
	}
	if !fx.file.Evaluator().Decide(id("/api-gateway"), "invoice.read").Allowed() {
		t.Fatal("last good bundle lost")
	}
	write(t, fx.path, signedBundle(t, billingPolicy(), fx.key))
	if changed, err := fx.file.Reload(); !changed || err != nil {
		t.Fatalf("the restored file is loaded: %v %v", changed, err)
	}
}
