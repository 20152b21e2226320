// Command image times "crank-gate image" (configuration, filesystem,
// gitleaks secrets and Trivy vulnerabilities in one read) against
// "trivy image --scanners vuln,secret" on the same OCI layout and the same
// offline Trivy DB fixture, and prints both side by side.
//
//	GOEXPERIMENT=jsonv2 go run ./gate/bench/image -crank-gate /tmp/cg -trivy bin/peers/trivy -runs 5 [-app-mb 20]
//
// Trivy is timed cold (layer cache in memory, as for an image CI has just
// built) and warm (its --cache-dir holds the analysed layers, so it
// re-analyses nothing); crank-gate keeps no cache. -app-mb adds an
// application layer whose contents every secret scanner must read.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

// tb lets the test fixture builders run outside a test: failures are fatal.
type tb struct {
	testing.TB
	root string
}

func (tb) Helper()                           {}
func (tb) Fatal(args ...any)                 { log.Fatal(args...) }
func (tb) Fatalf(format string, args ...any) { log.Fatalf(format, args...) }
func (t tb) TempDir() string {
	d, err := os.MkdirTemp(t.root, "tmp")
	if err != nil {
		log.Fatal(err)
	}
	return d
}

func main() {
	cg := flag.String("crank-gate", "", "crank-gate binary (GOEXPERIMENT=jsonv2 build)")
	cgRE2 := flag.String("crank-gate-re2", "", "optional crank-gate built with -tags gore2regex, timed as another row")
	trivy := flag.String("trivy", "", "trivy binary (v0.74.0)")
	runs := flag.Int("runs", 5, "timed runs per tool (after one warm-up run each)")
	keep := flag.Bool("keep", false, "keep the generated OCI layout and DB fixture (for profiling)")
	appMB := flag.Int("app-mb", 0, "add a layer with about this many MB of Go source from the module cache, like an application layer (0: the bare fixture)")
	flag.Parse()
	log.SetFlags(0)
	if *cg == "" || *trivy == "" || *runs < 1 {
		log.Fatal("usage: image -crank-gate BIN -trivy BIN [-runs N]")
	}
	for _, p := range []*string{cg, trivy, cgRE2} {
		if *p == "" {
			continue
		}
		if abs, err := filepath.Abs(*p); err == nil {
			*p = abs
		}
	}
	root, err := os.MkdirTemp("", "crank-bench-image-")
	if err != nil {
		log.Fatal(err)
	}
	if *keep {
		fmt.Printf("fixtures kept in %s\n", root)
	} else {
		defer os.RemoveAll(root)
	}
	t := tb{root: root}
	oci := filepath.Join(root, "oci")
	img := imagetest.VulnerableDebian(t)
	if *appMB > 0 {
		app, n := appLayer(t, *appMB)
		if img, err = mutate.AppendLayers(img, app); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("application layer: %d files, %.1f MB\n", n, float64(*appMB))
	}
	imagetest.WriteOCI(t, oci, img, "v1")
	cache := filepath.Join(root, "trivy-cache")
	vulntest.WriteDB(t, cache, time.Now())

	type tool struct {
		name  string
		bin   string
		args  []string
		count func([]byte) (int, error)
	}
	crankArgs := []string{"image", "--db-dir", cache, "--format", "json", "--fail-on", "none", "oci:" + oci + ":v1"}
	tools := []tool{
		{"crank-gate image (config+fs+secrets+vuln)", *cg, crankArgs, countCrank},
		// A CI run scans an image it has just built, so no layer is in
		// Trivy's cache: --cache-backend memory gives every run that cold
		// start. The warm row is a re-scan of an unchanged image.
		{"trivy image --scanners vuln,secret (cold)", *trivy,
			[]string{"image", "--input", oci, "--scanners", "vuln,secret", "--skip-db-update", "--skip-java-db-update",
				"--cache-dir", cache, "--cache-backend", "memory", "--format", "json", "--quiet"}, countTrivy},
		{"trivy image --scanners vuln,secret (warm)", *trivy,
			[]string{"image", "--input", oci, "--scanners", "vuln,secret", "--skip-db-update", "--skip-java-db-update",
				"--cache-dir", cache, "--format", "json", "--quiet"}, countTrivy},
	}
	if *cgRE2 != "" {
		tools = append(tools[:1], append([]tool{{"crank-gate image (re2 build)", *cgRE2, crankArgs, countCrank}}, tools[1:]...)...)
	}
	fmt.Printf("image: imagetest.VulnerableDebian as an OCI layout; DB: vulntest fixture (offline); %d run(s) each after a warm-up\n\n", *runs)
	fmt.Printf("%-44s %10s %10s %10s %9s\n", "tool", "median", "min", "max", "findings")
	// One warm-up run each, then the timed runs interleaved (every tool
	// once, then again), so that drift of the machine skews no tool.
	times := make([][]time.Duration, len(tools))
	counts := make([]int, len(tools))
	for i := 0; i <= *runs; i++ {
		for k, tool := range tools {
			cmd := exec.Command(tool.bin, tool.args...)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			cmd.Dir = root
			cmd.Env = append(os.Environ(), "TRIVY_NO_PROGRESS=true")
			start := time.Now()
			err := cmd.Run()
			d := time.Since(start)
			var ee *exec.ExitError
			if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
				log.Fatalf("%s: %v\n%s", tool.name, err, errb.String())
			}
			if counts[k], err = tool.count(out.Bytes()); err != nil {
				log.Fatalf("%s: reading its JSON: %v\n%s", tool.name, err, errb.String())
			}
			if i > 0 {
				times[k] = append(times[k], d)
			}
		}
	}
	for k, tool := range tools {
		t := times[k]
		sort.Slice(t, func(i, j int) bool { return t[i] < t[j] })
		fmt.Printf("%-44s %10s %10s %10s %9d\n", tool.name, ms(t[len(t)/2]), ms(t[0]), ms(t[len(t)-1]), counts[k])
	}
}

// appLayer copies Go sources from the module cache into one layer under
// /app, the way an application image carries its code.
func appLayer(t tb, mb int) (v1.Layer, int) {
	out, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		log.Fatal(err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "github.com")
	var files []imagetest.File
	total, limit := 0, mb<<20
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || total >= limit {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		files = append(files, imagetest.File{Path: "app/src/" + rel, Body: string(b)})
		total += len(b)
		return nil
	})
	return imagetest.Layer(t, files...), len(files)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0fms", float64(d)/float64(time.Millisecond)) }

func countCrank(b []byte) (int, error) {
	var doc struct {
		Findings []json.RawMessage `json:"findings"`
	}
	err := json.Unmarshal(b, &doc)
	return len(doc.Findings), err
}

func countTrivy(b []byte) (int, error) {
	var doc struct {
		Results []struct {
			Vulnerabilities []json.RawMessage
			Secrets         []json.RawMessage
		}
	}
	err := json.Unmarshal(b, &doc)
	n := 0
	for _, r := range doc.Results {
		n += len(r.Vulnerabilities) + len(r.Secrets)
	}
	return n, err
}
