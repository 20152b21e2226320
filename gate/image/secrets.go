package image

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// ContentScanner finds secrets in bytes. The built-in detector covers a
// few high-signal patterns; the gitleaks adapter (gate/secrets) satisfies
// the same interface and replaces it when wired in by the CLI. Secret
// values must never leave the scanner unredacted.
type ContentScanner interface {
	// ScanContent returns the secrets in content; path is a hint for
	// path-based rules (and for messages), never opened.
	ScanContent(path string, content []byte) []Secret
}

// Secret is one detected secret, already redacted.
type Secret struct {
	// RuleID is the detector's rule ("private-key", or a gitleaks id).
	RuleID      string
	Description string
	// Line is 1-based within the scanned content, 0 if unknown.
	Line int
	// Redacted shows just enough to recognise the value ("AKIA…MPLE").
	Redacted string
}

// BuiltinDetector returns the fallback ContentScanner.
func BuiltinDetector() ContentScanner { return builtinDetector{} }

type builtinDetector struct{}

type pattern struct {
	id, desc string
	re       *regexp.Regexp
	// hints are literals one of which every match contains; a cheap
	// bytes.Contains skips the regexp on the vast majority of files.
	hints []string
}

// Only patterns whose matches are almost never anything but a live
// credential: a false positive fails a deploy.
var builtinPatterns = []pattern{
	{"private-key", "private key", regexp.MustCompile(`-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----`), []string{"PRIVATE KEY"}},
	{"aws-access-key-id", "AWS access key id", regexp.MustCompile(`\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z2-7]{16}\b`), []string{"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"}},
	{"github-token", "GitHub token", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{82})\b`), []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
	{"gitlab-token", "GitLab personal access token", regexp.MustCompile(`\bglpat-[A-Za-z0-9_-]{20,}\b`), []string{"glpat-"}},
	{"slack-token", "Slack token", regexp.MustCompile(`\bxox[baprs]-[A-Za-z0-9-]{10,}\b`), []string{"xox"}},
	{"google-api-key", "Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), []string{"AIza"}},
	{"stripe-secret-key", "Stripe secret key", regexp.MustCompile(`\b[sr]k_live_[0-9A-Za-z]{20,}\b`), []string{"k_live_"}},
	{"npm-token", "npm access token", regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`), []string{"npm_"}},
	{"url-credentials", "password in a URL", regexp.MustCompile(`\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@"']{1,64}:([^\s:/@"'$]{3,128})@[A-Za-z0-9.-]+`), []string{"://"}},
}

func (builtinDetector) ScanContent(_ string, content []byte) []Secret {
	var out []Secret
	for _, p := range builtinPatterns {
		if !hinted(content, p.hints) {
			continue
		}
		for _, m := range p.re.FindAllSubmatchIndex(content, 8) {
			val := content[m[0]:m[1]]
			if len(m) >= 4 && m[2] >= 0 {
				val = content[m[2]:m[3]]
			}
			if p.id == "url-credentials" && placeholder(string(val)) {
				continue
			}
			out = append(out, Secret{RuleID: p.id, Description: p.desc, Line: 1 + bytes.Count(content[:m[0]], []byte("\n")), Redacted: Redact(string(val))})
		}
	}
	return out
}

func hinted(content []byte, hints []string) bool {
	for _, h := range hints {
		if bytes.Contains(content, []byte(h)) {
			return true
		}
	}
	return len(hints) == 0
}

// placeholder skips documentation values ("user:password@host").
func placeholder(v string) bool {
	switch strings.ToLower(v) {
	case "password", "passwd", "pass", "secret", "changeme", "xxx", "xxxx", "***", "****", "pwd", "token":
		return true
	}
	return strings.HasPrefix(v, "$") || strings.HasPrefix(v, "<") || strings.HasPrefix(v, "{")
}

// Redact keeps at most the first and last four characters of values long
// enough that this reveals little, and nothing of short ones.
func Redact(v string) string {
	if strings.HasPrefix(v, "-----BEGIN") {
		return v
	}
	if len(v) < 16 {
		return "*****"
	}
	return v[:4] + "*****" + v[len(v)-4:]
}

// secretName matches ENV keys and build-arg names that hold credentials.
var secretName = regexp.MustCompile(`(?i)(?:^|[_.-])(?:PASSWORD|PASSWD|PASS|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|AUTH)(?:$|_)`)

// notSecretName excludes names that talk about a secret without holding
// one (a path to a secret file, a switch).
var notSecretName = regexp.MustCompile(`(?i)(?:_FILE|_PATH|_DIR|_URL|_ENDPOINT|_HOST|_PORT|_USER|_USERNAME|_NAME|_ID|_TYPE|_MODE|_ENABLED|_REQUIRED|_LENGTH|_HEADER|ALLOW_EMPTY_PASSWORD)$`)

// assignmentSecret decides whether NAME=VALUE hands a credential to the
// image: the name says secret, the value is set and is not a reference.
func assignmentSecret(name, value string) bool {
	if !secretName.MatchString(name) || notSecretName.MatchString(name) {
		return false
	}
	v := strings.TrimSpace(value)
	switch strings.ToLower(v) {
	case "", "true", "false", "yes", "no", "0", "1", "none", "null", "changeme":
		return false
	}
	return !strings.HasPrefix(v, "$") && !strings.HasPrefix(v, "/")
}

// scanValue combines the name heuristic and the content scanner for one
// NAME=VALUE pair and returns a redacted description of what was found.
func scanValue(cs ContentScanner, where, name, value string) (string, bool) {
	if ss := cs.ScanContent(where, []byte(value)); len(ss) > 0 {
		return secretPhrase(ss[0]), true
	}
	if assignmentSecret(name, value) {
		return "a credential-named value (" + Redact(value) + ")", true
	}
	return "", false
}

// secretPhrase is the noun phrase for a detected secret. Descriptions are
// the detector's own text, and gitleaks' read as sentences ("Uncovered a
// GitHub Personal Access Token, ..."), so they go in parentheses after
// the rule id rather than being spliced into ours.
func secretPhrase(sec Secret) string {
	return fmt.Sprintf("a secret, %s (%s: %s)", sec.Redacted, sec.RuleID, strings.TrimSuffix(strings.TrimSpace(sec.Description), "."))
}
