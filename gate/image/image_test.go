package image

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

func scan(t *testing.T, img v1.Image, ref string) *Result {
	t.Helper()
	res, err := Run(context.Background(), img, Options{Ref: ref, Policy: DefaultPolicy()})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func ids(fs []findings.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	sort.Strings(out)
	return out
}

func byRule(fs []findings.Finding, id string) []findings.Finding {
	var out []findings.Finding
	for _, f := range fs {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

func TestInsecureImageFindings(t *testing.T) {
	res := scan(t, imagetest.Insecure(t), "registry.example/app:1")
	fs := res.Findings(LogicalLocator(res.Ref))
	want := map[string]int{
		"CGI1001": 1, // root
		"CGI1002": 1, // no healthcheck
		"CGI1003": 2, // 22 and 80, not 8080
		"CGI1004": 1, // DB_PASSWORD
		"CGI1006": 1, // GITHUB_TOKEN build arg
		"CGI1007": 1, // debian:12 not slim
		"CGI1008": 1, // not pinned
		"CGI2001": 1, // setuid helper
		"CGI2002": 1, // /app/uploads 0777
		"CGI2003": 2, // id_rsa (history), .npmrc
		"CGI2004": 1, // AWS key in config.yaml
		"CGI2005": 2, // apt archives, apt lists
		"CGI2006": 1,
		"CGI2007": 1,
		"CGI2008": 1, // toor has an empty password
		"CGI2009": 1, // toor shares uid 0
	}
	got := map[string]int{}
	for _, f := range fs {
		got[f.RuleID]++
		if f.Engine != Engine || f.Path != "image/registry.example/app:1" || f.Fingerprint == "" {
			t.Errorf("finding %+v: want engine %s, logical path and a fingerprint", f, Engine)
		}
	}
	for id, n := range want {
		if got[id] != n {
			t.Errorf("%s: got %d findings, want %d", id, got[id], n)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("unexpected %s findings: %v", id, byRule(fs, id))
		}
	}
	key := byRule(fs, "CGI2003")
	var idRSA *findings.Finding
	for i := range key {
		if strings.Contains(key[i].Message, "/root/.ssh/id_rsa") {
			idRSA = &key[i]
		}
	}
	if idRSA == nil || !strings.Contains(idRSA.Message, "present in layer 3, deleted later: still in the image history") {
		t.Errorf("id_rsa must be reported as deleted later but still in history: %+v", idRSA)
	}
	if m := byRule(fs, "CGI2009")[0]; m.Severity != findings.Error || !strings.Contains(m.Message, "root, toor") {
		t.Errorf("second uid 0 must be an error naming both accounts: %+v", m)
	}
	if m := byRule(fs, "CGI2008")[0]; !strings.Contains(m.Message, `"toor"`) || !strings.Contains(m.Message, "/etc/shadow") {
		t.Errorf("empty password: %+v", m)
	}
	if m := byRule(fs, "CGI1006")[0]; !strings.Contains(m.Message, "GITHUB_TOKEN") || !strings.Contains(m.Message, "GitHub token") {
		t.Errorf("build arg leak: %+v", m)
	}
	assertRedacted(t, fs)
}

// assertRedacted fails when any secret value the fixtures plant appears
// in any output.
func assertRedacted(t *testing.T, fs []findings.Finding) {
	t.Helper()
	data, _ := json.Marshal(fs)
	for _, secret := range []string{imagetest.TestBuildArgToken, "s3cr3t-Pa55word-2024", "AKIAIOSFODNN7EXAMPLF", "npm_0123456789abcdefghijABCDEFGHIJ0123", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ"} {
		if strings.Contains(string(data), secret) {
			t.Errorf("secret %q leaked into findings: %s", secret[:6], data)
		}
	}
}

func TestHardenedImagePasses(t *testing.T) {
	res := scan(t, imagetest.Hardened(t), "oci:hardened")
	if fs := res.Findings(LogicalLocator(res.Ref)); len(fs) != 0 {
		t.Errorf("hardened image: want no findings, got %v", fs)
	}
}

func TestVulnerableFixturesOnlySlimnessFacts(t *testing.T) {
	for name, img := range map[string]v1.Image{"debian": imagetest.VulnerableDebian(t), "alpine": imagetest.VulnerableAlpine(t)} {
		res := scan(t, img, name)
		got := strings.Join(ids(res.Findings(LogicalLocator(name))), ",")
		if got != "CGI2006,CGI2007" {
			t.Errorf("%s: got %s, want only the shell and package-manager facts", name, got)
		}
	}
}

func TestUserPolicy(t *testing.T) {
	for _, tc := range []struct {
		user string
		fire bool
	}{{"", true}, {"root", true}, {"0:0", true}, {"app", true}, {"1001", true}, {"1000", false}, {"1000:1000", false}, {"01000", false}} {
		img := imagetest.Build(t, v1.Config{User: tc.user}, nil, imagetest.Step{CreatedBy: "COPY x /x", Layer: imagetest.Layer(t, imagetest.File{Path: "x"})})
		res, err := Run(context.Background(), img, Options{Rules: []*Rule{&CGI1001}})
		if err != nil {
			t.Fatal(err)
		}
		if fired := len(res.Observations) > 0; fired != tc.fire {
			t.Errorf("USER %q: fired=%v, want %v (%v)", tc.user, fired, tc.fire, res.Observations)
		}
	}
}

func TestSetuidAllowlistAndOpaqueWhiteout(t *testing.T) {
	img := imagetest.Build(t, v1.Config{}, nil,
		imagetest.Step{CreatedBy: "base", Layer: imagetest.Layer(t,
			imagetest.File{Path: "usr/bin/passwd", Mode: 0o4755},
			imagetest.File{Path: "opt/tool/su", Mode: 0o4755},
			imagetest.File{Path: "opt/tool/keep"},
		)},
		imagetest.Step{CreatedBy: "RUN rm -rf /opt/tool && mkdir /opt/tool", Layer: imagetest.Layer(t,
			imagetest.Dir("opt/tool/", 0o755),
			imagetest.File{Path: "opt/tool/.wh..wh..opq"},
			imagetest.File{Path: "opt/tool/new", Mode: 0o2755},
		)},
	)
	pol := DefaultPolicy()
	pol.SetuidAllowlist = []string{"/usr/bin/passwd"}
	res, err := Run(context.Background(), img, Options{Rules: []*Rule{&CGI2001}, Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, o := range res.Observations {
		msgs = append(msgs, o.Message)
	}
	all := strings.Join(msgs, "\n")
	if len(msgs) != 2 || !strings.Contains(all, "/opt/tool/su is setuid") || !strings.Contains(all, "deleted later") || !strings.Contains(all, "/opt/tool/new is setgid") {
		t.Errorf("want su (history, via opaque whiteout) and new (setgid), got:\n%s", all)
	}
	if res.Observations[0].Subject == res.Observations[1].Subject {
		t.Error("subjects must differ")
	}
}

func TestSourcesOCIAndDockerArchive(t *testing.T) {
	dir := t.TempDir()
	img := imagetest.Insecure(t)
	imagetest.WriteOCI(t, filepath.Join(dir, "layout"), img, "v1")
	imagetest.WriteDockerArchive(t, filepath.Join(dir, "img.tar"), img, "example.com/app:v1")
	want := strings.Join(ids(scan(t, img, "mem").Findings(LogicalLocator("mem"))), ",")
	for _, ref := range []string{"oci:" + filepath.Join(dir, "layout") + ":v1", "oci:" + filepath.Join(dir, "layout"), "docker-archive:" + filepath.Join(dir, "img.tar")} {
		src, err := Open(context.Background(), ref, SourceOptions{})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		res, err := Run(context.Background(), src.Image, Options{Ref: ref, Annotations: src.Annotations, Policy: DefaultPolicy()})
		if err != nil {
			t.Fatalf("%s: %v", ref, err)
		}
		if got := strings.Join(ids(res.Findings(LogicalLocator(ref))), ","); got != want {
			t.Errorf("%s: got %s, want %s", ref, got, want)
		}
	}
	_, err := Open(context.Background(), "oci:"+filepath.Join(dir, "layout")+":nope", SourceOptions{})
	if err == nil || !strings.Contains(err.Error(), `no image tagged "nope" (tags: v1)`) {
		t.Errorf("missing tag: %v", err)
	}
	_, err = Open(context.Background(), "docker-archive:"+filepath.Join(dir, "missing.tar"), SourceOptions{})
	if err == nil || !strings.Contains(err.Error(), "docker save") {
		t.Errorf("missing archive: %v", err)
	}
}

func TestPlatformSelection(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "multi")
	imagetest.WriteIndex(t, dir, map[string]v1.Image{"linux/amd64": imagetest.Hardened(t), "linux/arm64/v8": imagetest.VulnerableAlpine(t)}, "latest")
	src, err := Open(context.Background(), "oci:"+dir+":latest", SourceOptions{Platform: "linux/arm64"})
	if err != nil {
		t.Fatal(err)
	}
	cf, _ := src.Image.ConfigFile()
	res, err := Run(context.Background(), src.Image, Options{})
	if err != nil || len(res.Observations) == 0 || cf == nil {
		t.Fatalf("arm64 should be the alpine image with slimness facts: %v %v", err, res)
	}
	if _, err := Open(context.Background(), "oci:"+dir+":latest", SourceOptions{Platform: "linux/amd64"}); err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), "oci:"+dir+":latest", SourceOptions{Platform: "linux/s390x"})
	if err == nil || !strings.Contains(err.Error(), "no image for platform linux/s390x") || !strings.Contains(err.Error(), "linux/amd64") || !strings.Contains(err.Error(), "linux/arm64/v8") {
		t.Errorf("want an error listing the platforms, got %v", err)
	}
}

func TestDockerfileLinking(t *testing.T) {
	res := scan(t, imagetest.Insecure(t), "registry.example/app:1")
	loc, err := DockerfileLocator("Dockerfile", []byte(imagetest.InsecureDockerfile), res, nil)
	if err != nil {
		t.Fatal(err)
	}
	fs := res.Findings(loc)
	lineOf := func(id, contains string) int {
		for _, f := range fs {
			if f.RuleID == id && strings.Contains(f.Message, contains) {
				if f.Path != "Dockerfile" {
					t.Errorf("%s: path %q", id, f.Path)
				}
				return f.Line
			}
		}
		t.Errorf("no %s finding containing %q", id, contains)
		return -1
	}
	for _, tc := range []struct {
		id, contains string
		line         int
	}{
		{"CGI1001", "", 1},             // no USER: the final FROM
		{"CGI1006", "GITHUB_TOKEN", 2}, // the ARG that declared it
		{"CGI2005", "apt package archives", 3},
		{"CGI2003", "id_rsa", 4}, // the COPY that added it, not the RUN that deleted it
		{"CGI2001", "helper", 5},
		{"CGI1003", "22/tcp", 6},
		{"CGI1004", "DB_PASSWORD", 7},
		{"CGI2006", "shell", 1},
	} {
		if got := lineOf(tc.id, tc.contains); got != tc.line {
			t.Errorf("%s %q: line %d, want %d", tc.id, tc.contains, got, tc.line)
		}
	}
	for _, f := range fs {
		if f.Line < 1 {
			t.Errorf("finding without a line: %+v", f)
		}
	}
}

// TestCatalogue guards the catalogue and keeps gate/docs/image.md in step
// with it: UPDATE_DOCS=1 rewrites the generated reference section.
func TestCatalogue(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.ID] || r.Name == "" || r.Summary == "" || r.Why == "" {
			t.Errorf("%s: duplicate id or missing name, summary or why", r.ID)
		}
		seen[r.ID] = true
		isConfig, isFS := r.Config != nil, r.Visit != nil || r.Finish != nil
		if isConfig == isFS {
			t.Errorf("%s: a check is either a configuration or a filesystem check", r.ID)
		}
		if want := "CGI1"; isFS {
			want = "CGI2"
			if !strings.HasPrefix(r.ID, want) && r.ID != "CGI1009" {
				t.Errorf("%s: filesystem checks use CGI2xxx", r.ID)
			}
		} else if !strings.HasPrefix(r.ID, want) {
			t.Errorf("%s: configuration checks use CGI1xxx", r.ID)
		}
	}
	const path = "../docs/image.md"
	const begin, end = "<!-- BEGIN GENERATED CHECKS -->\n", "<!-- END GENERATED CHECKS -->"
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("gate/docs/image.md: %v", err)
	}
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated-checks markers", path)
	}
	want := string(doc[:i]) + begin + Reference() + string(doc[j:])
	if want == string(doc) {
		return
	}
	if os.Getenv("UPDATE_DOCS") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is out of date with the catalogue; run UPDATE_DOCS=1 go test ./gate/image -run TestCatalogue", path)
}
