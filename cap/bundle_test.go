package cap

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestBundleRoundTrip(t *testing.T) {
	p := billingPolicy(
		Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}, {SPIFFEPrefix: id("/edge")}}, Capabilities: []string{"invoice.read", "invoice.create"}, RateLimit: &RateLimit{RPS: 5, Burst: 5}},
		Rule{ID: "deny-legacy", Action: ActionDeny, Mode: ModeDryRun, Callers: []Caller{{SPIFFEID: id("/legacy")}}, Capabilities: []string{"*"}},
	)
	data, digest, err := Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `{"schema":"crank.cap.bundle/v1",`) {
		t.Fatalf("bundle must lead with its schema: %s", data)
	}
	if !strings.HasPrefix(digest, "sha256:") || len(digest) != len("sha256:")+64 {
		t.Fatalf("digest %q is not sha256:<hex>", digest)
	}
	loaded, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Digest != digest || !bytes.Equal(loaded.Canonical, data) {
		t.Fatalf("round trip changed the bundle:\n%s\n%s", data, loaded.Canonical)
	}
	again, _, err := Marshal(loaded.Policy)
	if err != nil || !bytes.Equal(again, data) {
		t.Fatalf("Marshal(Load(x)) != x: %v\n%s", err, again)
	}
}

func TestBundleDigestIgnoresFormattingAndOrder(t *testing.T) {
	rules := []Rule{
		{ID: "b", Action: ActionAllow, Callers: []Caller{{Service: "worker"}, {Service: "api-gateway"}}, Capabilities: []string{"invoice.read", "invoice.create"}},
		{ID: "a", Action: ActionDeny, Callers: []Caller{{Service: "stranger"}}, Capabilities: []string{"invoice.read"}},
	}
	_, d1, err := Marshal(billingPolicy(rules...))
	if err != nil {
		t.Fatal(err)
	}
	reordered := billingPolicy(
		Rule{ID: "a", Action: ActionDeny, Mode: ModeEnforce, Callers: []Caller{{Service: "stranger"}}, Capabilities: []string{"invoice.read"}},
		Rule{ID: "b", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}, {Service: "worker"}}, Capabilities: []string{"invoice.create", "invoice.read"}},
	)
	reordered.Capabilities = []Capability{reordered.Capabilities[2], reordered.Capabilities[0], reordered.Capabilities[1]}
	canonical, d2, err := Marshal(reordered)
	if err != nil {
		t.Fatal(err)
	}
	if d1 != d2 {
		t.Fatalf("digest depends on list order: %s vs %s", d1, d2)
	}
	var indented bytes.Buffer
	if err := json.Indent(&indented, canonical, "", "    "); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(indented.Bytes())
	if err != nil || loaded.Digest != d1 {
		t.Fatalf("digest depends on whitespace: %v %s", err, loaded.Digest)
	}
}

// TestBundleDigestIsStable pins the canonical form: changing it would give
// every service in the fleet a new digest for an unchanged policy.
func TestBundleDigestIsStable(t *testing.T) {
	data, digest, err := Marshal(Policy{
		Service: "billing", TrustDomain: "example.org",
		Capabilities: []Capability{{Name: "invoice.read", HTTPMethod: "GET", HTTPPath: "/v1/invoices/{id}"}},
		Rules:        []Rule{{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}, RateLimit: &RateLimit{RPS: 5, Burst: 5}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"schema":"crank.cap.bundle/v1","service":"billing","trust_domain":"example.org","default_action":"deny","enforcement":"enforce",` +
		`"capabilities":[{"name":"invoice.read","http_method":"GET","http_path":"/v1/invoices/{id}"}],` +
		`"rules":[{"id":"gw","action":"allow","mode":"enforce","callers":[{"service":"api-gateway"}],"capabilities":["invoice.read"],"rate_limit":{"rps":5,"burst":5}}]}`
	if string(data) != want {
		t.Fatalf("canonical form changed:\n got %s\nwant %s", data, want)
	}
	const wantDigest = "sha256:19b8e5ef282e0061ada571105d71d890a06ab206b023a9f8a44dd583011ce5fa"
	if digest != wantDigest || Digest([]byte(want)) != wantDigest {
		t.Fatalf("digest %s, want %s", digest, wantDigest)
	}
}

func TestLoadRejects(t *testing.T) {
	good, _, err := Marshal(billingPolicy(Rule{ID: "gw", Action: ActionAllow, Callers: []Caller{{Service: "api-gateway"}}, Capabilities: []string{"invoice.read"}}))
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) []byte { return []byte(strings.Replace(string(good), old, new, 1)) }
	tests := []struct {
		name  string
		data  []byte
		error string
	}{
		{"unknown top-level field", replace(`"service":`, `"owner":"x","service":`), `unknown field "owner"`},
		{"unknown rule field", replace(`"id":"gw"`, `"id":"gw","priority":1`), `unknown field "priority"`},
		{"unknown caller field", replace(`{"service":"api-gateway"}`, `{"service":"api-gateway","regex":".*"}`), `unknown field "regex"`},
		{"missing schema", replace(`"schema":"crank.cap.bundle/v1",`, ``), `no "schema" field`},
		{"future major version", replace(`bundle/v1`, `bundle/v2`), `"crank.cap.bundle/v2" is not supported`},
		{"foreign schema", replace(`crank.cap.bundle/v1`, `istio.rbac/v1`), `not a Crank capability bundle`},
		{"trailing data", append(append([]byte{}, good...), []byte(` {}`)...), "data after the JSON object"},
		{"not JSON", []byte(`schema: v1`), "not a JSON object"},
		{"wrong type", replace(`"rules":[`, `"rules":{"x":1},"ignored":[`), "must be"},
		{"null rule", replace(`"rules":[`, `"rules":[null,`), "empty or null rule"},
		{"invalid policy", replace(`"action":"allow"`, `"action":"permit"`), `action "permit" is not one of allow, deny`},
		{"too large", make([]byte, MaxBundleSize+1), "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.data)
			if err == nil || !strings.Contains(err.Error(), tc.error) {
				t.Fatalf("Load error %v, want one containing %q", err, tc.error)
			}
		})
	}
}
