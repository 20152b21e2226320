package rules

import (
	"regexp"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG4002: credentials written into the Dockerfile itself.
var CG4002 = Rule{
	ID:       "CG4002",
	Name:     "literal-secret",
	Severity: Error,
	Summary:  "Do not write credentials into the Dockerfile.",
	Why: "A value that is itself a credential (an AWS access key id `AKIA...`, a `-----BEGIN ... PRIVATE KEY-----` " +
		"block, a GitHub, GitLab, Slack, npm, Stripe or Google API token, or a password inside a URL such as " +
		"`https://user:pass@host`) is in the repository history, in every clone and CI log, and in the image " +
		"layers or config. Rotate it now, then pass it at build time with `RUN --mount=type=secret` and at run " +
		"time from the platform.",
	Bad:  "FROM debian:12.7-slim\nENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n",
	Good: "FROM debian:12.7-slim\nRUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://bucket/x /x\n",
	Differences: "Every stage is checked, built or not, and global ARGs too: the secret leaks through the " +
		"repository whether or not the stage is built. ENV and ARG values, LABEL values, RUN command words " +
		"and heredoc bodies are read. Only well-known token formats and URL passwords fire, so placeholders " +
		"(`changeme`, `${TOKEN}`) do not; secret-looking names are CG4001.",
	Equivalents: Equivalents{Dockle: []string{"CIS-DI-0010"}},
	Check:       checkCG4002,
}

// cgSecretPatterns are token formats with a recognisable prefix, so that
// random-looking strings (hashes, digests) do not fire.
// hints are literals every match contains: the regexp only runs when one is
// present, which keeps this rule cheap on the usual secret-free text.
var cgSecretPatterns = []struct {
	what  string
	hints []string
	re    *regexp.Regexp
}{
	{"an AWS access key id", []string{"AKIA", "ASIA", "ABIA", "ACCA", "A3T"}, regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}\b`)},
	{"a private key", []string{"PRIVATE KEY"}, regexp.MustCompile(`-----BEGIN ((RSA|EC|DSA|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----`)},
	{"a GitHub token", []string{"gh", "github_pat_"}, regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b`)},
	{"a GitLab token", []string{"glpat-"}, regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20}\b`)},
	{"a Slack token", []string{"xox"}, regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}`)},
	{"an npm token", []string{"npm_"}, regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{"a Stripe secret key", []string{"k_live_"}, regexp.MustCompile(`\b[sr]k_live_[A-Za-z0-9]{20,}\b`)},
	{"a Google API key", []string{"AIza"}, regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`)},
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// cgURLPasswordRe finds scheme://user:password@host with a literal
// password (not ${VAR}, not an empty or placeholder one).
var cgURLPasswordRe = regexp.MustCompile(`\b[a-z][a-z0-9+.-]*://[^\s/:@"'$]+:([^\s/@"'$]+)@[A-Za-z0-9.-]+`)

func cgFindSecret(s string) string {
	for _, p := range cgSecretPatterns {
		if containsAny(s, p.hints) && p.re.MatchString(s) {
			return p.what
		}
	}
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return ""
	}
	for _, m := range cgURLPasswordRe.FindAllStringSubmatch(s, -1) {
		switch pw := strings.ToLower(m[1]); {
		case strings.Trim(pw, "*x.<>{}%") == "", pw == "password", pw == "pass", pw == "changeme", pw == "secret",
			strings.HasPrefix(pw, "<") || strings.HasPrefix(pw, "%"):
			continue
		}
		return "a password in a URL"
	}
	return ""
}

func checkCG4002(ctx *Context) {
	for _, in := range ctx.File.Instructions {
		if what := cgInstructionSecret(in); what != "" {
			ctx.Report(in, "%s contains %s; rotate it and pass it with RUN --mount=type=secret instead", in.Kind, what)
		}
	}
}

func cgInstructionSecret(in *dockerfile.Instruction) string {
	switch in.Kind {
	case dockerfile.KindArg, dockerfile.KindEnv:
		for _, kv := range in.Pairs {
			if w := cgFindSecret(kv.Raw); w != "" {
				return w
			}
		}
	case dockerfile.KindLabel, dockerfile.KindRun, dockerfile.KindCmd, dockerfile.KindEntrypoint,
		dockerfile.KindHealthcheck, dockerfile.KindCopy, dockerfile.KindAdd, dockerfile.KindOnbuild:
		if w := cgFindSecret(in.Original); w != "" {
			return w
		}
		for _, h := range in.Heredocs {
			if w := cgFindSecret(h.Content); w != "" {
				return w
			}
		}
	}
	return ""
}
