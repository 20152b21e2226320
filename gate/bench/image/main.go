// Command image times "crank-gate image" (configuration, filesystem,
// gitleaks secrets and Trivy vulnerabilities in one read) against
// "trivy image --scanners vuln,secret" on the same OCI layout and the same
// offline Trivy DB fixture, and prints both side by side.
//
//	GOEXPERIMENT=jsonv2 go run ./gate/bench/image -crank-gate /tmp/cg -trivy bin/peers/trivy -runs 5
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

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
	trivy := flag.String("trivy", "", "trivy binary (v0.74.0)")
	runs := flag.Int("runs", 5, "timed runs per tool (after one warm-up run each)")
	keep := flag.Bool("keep", false, "keep the generated OCI layout and DB fixture (for profiling)")
	flag.Parse()
	log.SetFlags(0)
	if *cg == "" || *trivy == "" || *runs < 1 {
		log.Fatal("usage: image -crank-gate BIN -trivy BIN [-runs N]")
	}
	for _, p := range []*string{cg, trivy} {
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
	imagetest.WriteOCI(t, oci, imagetest.VulnerableDebian(t), "v1")
	cache := filepath.Join(root, "trivy-cache")
	vulntest.WriteDB(t, cache, time.Now())

	tools := []struct {
		name  string
		bin   string
		args  []string
		count func([]byte) (int, error)
	}{
		{"crank-gate image (config+fs+secrets+vuln)", *cg,
			[]string{"image", "--db-dir", cache, "--format", "json", "--fail-on", "none", "oci:" + oci + ":v1"}, countCrank},
		{"trivy image --scanners vuln,secret", *trivy,
			[]string{"image", "--input", oci, "--scanners", "vuln,secret", "--skip-db-update", "--skip-java-db-update",
				"--cache-dir", cache, "--format", "json", "--quiet"}, countTrivy},
	}
	fmt.Printf("image: imagetest.VulnerableDebian as an OCI layout; DB: vulntest fixture (offline); %d run(s) each after a warm-up\n\n", *runs)
	fmt.Printf("%-44s %10s %10s %10s %9s\n", "tool", "median", "min", "max", "findings")
	for _, tool := range tools {
		var times []time.Duration
		var n int
		for i := 0; i <= *runs; i++ {
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
			if n, err = tool.count(out.Bytes()); err != nil {
				log.Fatalf("%s: reading its JSON: %v\n%s", tool.name, err, errb.String())
			}
			if i > 0 {
				times = append(times, d)
			}
		}
		sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
		fmt.Printf("%-44s %10s %10s %10s %9d\n", tool.name, ms(times[len(times)/2]), ms(times[0]), ms(times[len(times)-1]), n)
	}
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
