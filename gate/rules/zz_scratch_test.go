package rules

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// TestZZScratch: lines "DLxxxx|1|snippet" (\n as \\n) from $SCRATCH; prints mismatches.
func TestZZScratch(t *testing.T) {
	fn := os.Getenv("SCRATCH")
	if fn == "" {
		t.Skip()
	}
	f, _ := os.Open(fn)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "|", 3)
		if len(parts) < 3 {
			continue
		}
		r, _ := ByID(parts[0])
		src := strings.ReplaceAll(parts[2], `\n`, "\n")
		if !strings.HasPrefix(src, "FROM") {
			src = "FROM debian:12\n" + src
		}
		for _, compat := range []bool{false, true} {
			pf, err := dockerfile.Parse([]byte(src+"\n"), dockerfile.Options{Path: "Dockerfile"})
			if err != nil {
				fmt.Println("PARSE", err, parts[2])
				continue
			}
			cfg := config.Default()
			if compat {
				cfg.Compat = "hadolint"
			}
			n := len(Run(pf, []Rule{r}, cfg))
			if (n > 0) != (parts[1] == "1") {
				fmt.Printf("MISMATCH compat=%v %s want=%s got=%d: %s\n", compat, parts[0], parts[1], n, parts[2])
			}
		}
	}
}
