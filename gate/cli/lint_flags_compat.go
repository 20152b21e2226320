package cli

import (
	"flag"
	"fmt"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Flags that hadolint users bring to `crank-gate lint`. Each one means what
// it means in hadolint (hadolint --help, 2.12); where crank-gate's output
// differs the help text says so, so nothing is accepted and silently wrong.
type hadolintFlags struct {
	ignore            listFlag
	trustedRegistries listFlag
	failureThreshold  *string
	compat            *string
}

// hadolintFormatAliases maps hadolint's --format names to crank-gate's
// reporters: hadolint's codeclimate output is the GitLab Code Quality
// subset of Code Climate's format, which is what the gitlab reporter writes.
var hadolintFormatAliases = map[string]string{
	"codeclimate":        "gitlab",
	"gitlab_codeclimate": "gitlab",
}

// addHadolintFlags registers hadolint's flags; -f is --format's short name,
// as in hadolint, and feeds the same list.
func addHadolintFlags(fs *flag.FlagSet, formats *listFlag) *hadolintFlags {
	h := &hadolintFlags{}
	fs.Var(&h.ignore, "ignore", "hadolint's --ignore RULE: do not run this rule (repeatable; same as severity RULE: none in the config)")
	fs.Var(&h.trustedRegistries, "trusted-registry", "hadolint's --trusted-registry REGISTRY: FROM may only use these registries (repeatable; adds to the config's trusted-registries, enables DL3026)")
	h.failureThreshold = fs.String("failure-threshold", "", "hadolint's name for --fail-on: error|warning|info|style|ignore|none (ignore and none never fail)")
	h.compat = fs.String("compat", "", `"hadolint" makes every DL rule behave exactly as hadolint's (overrides the config's compat key)`)
	fs.Var(formats, "f", "short for --format; hadolint's names are accepted: tty, json (crank-gate's JSON shape, not hadolint's), checkstyle, sarif, codeclimate and gitlab_codeclimate (both written by the gitlab reporter)")
	return h
}

// formatAliases rewrites hadolint's format names in NAME[=FILE] values.
func formatAliases(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		name, file, hasFile := strings.Cut(v, "=")
		if alias, ok := hadolintFormatAliases[strings.ToLower(name)]; ok {
			name = alias
		}
		out[i] = name
		if hasFile {
			out[i] += "=" + file
		}
	}
	return out
}

// apply merges the flags into cfg; failOnSet says --fail-on was given too,
// and the two must then agree.
func (h *hadolintFlags) apply(cfg *config.Config, failOn string) error {
	for _, v := range h.ignore {
		for _, id := range strings.Split(v, ",") {
			if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
				cfg.Severity[id] = findings.None
			}
		}
	}
	for _, v := range h.trustedRegistries {
		for _, r := range strings.Split(v, ",") {
			if r = strings.TrimSpace(r); r != "" {
				cfg.TrustedRegistries = append(cfg.TrustedRegistries, r)
			}
		}
	}
	if *h.failureThreshold != "" {
		s, err := findings.ParseSeverity(*h.failureThreshold)
		if err != nil {
			return fmt.Errorf("--failure-threshold: %w", err)
		}
		if failOn != "" {
			if f, _ := findings.ParseSeverity(failOn); f != s {
				return fmt.Errorf("--failure-threshold %s and --fail-on %s disagree; give one of them", *h.failureThreshold, failOn)
			}
		}
		cfg.FailOn = s
	}
	if *h.compat != "" {
		if err := cfg.SetCompat(*h.compat, "--compat"); err != nil {
			return err
		}
	}
	return nil
}

// trivyImageFlags are Trivy's `trivy image` flags accepted by `crank-gate
// image` (--severity is crank-gate's own flag of the same meaning).
type trivyImageFlags struct {
	offlineScan, skipDBUpdate *bool
	exitCode                  *int
}

func addTrivyImageFlags(fs *flag.FlagSet) *trivyImageFlags {
	return &trivyImageFlags{
		offlineScan:  fs.Bool("offline-scan", false, "Trivy's --offline-scan: accepted and changes nothing, crank-gate never downloads (no DB, no Java DB, no remote lookups)"),
		skipDBUpdate: fs.Bool("skip-db-update", false, "Trivy's --skip-db-update: accepted and changes nothing, crank-gate never downloads or updates the DB (see --db-dir, --max-db-age)"),
		exitCode:     fs.Int("exit-code", ExitFindings, "Trivy's --exit-code: the exit code when findings reach --fail-on (default 1; 0 reports without failing)"),
	}
}

// findingsCode is the exit code for a run whose findings fail it.
func (t *trivyImageFlags) findingsCode() (int, error) {
	if *t.exitCode < 0 || *t.exitCode > 125 {
		return 0, fmt.Errorf("--exit-code %d: use 0-125 (codes above are the shell's)", *t.exitCode)
	}
	if *t.exitCode == ExitError || *t.exitCode == ExitDB {
		return 0, fmt.Errorf("--exit-code %d: that code already means a usage/input error or a stale DB; pick another (1 is the default)", *t.exitCode)
	}
	return *t.exitCode, nil
}
