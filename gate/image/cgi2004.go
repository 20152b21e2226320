package image

import (
	"bytes"
	"fmt"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2004: secrets in file contents.
var CGI2004 = Rule{
	ID:       "CGI2004",
	Name:     "image-file-secret",
	Severity: findings.Error,
	Summary:  "Files in any layer must not contain secrets (private keys, tokens).",
	Why: "Every layer is scanned, base layers and files deleted later included: a key removed by a " +
		"later `RUN rm` is still in the image the registry serves. Detection uses the configured content " +
		"scanner (gitleaks rules when wired in) or the built-in high-signal patterns (PEM private keys, " +
		"AWS, GitHub, GitLab, Slack, Google, Stripe and npm tokens, passwords in URLs). Binary files, files " +
		"under the policy's skip paths (documentation, CA bundles) and the part of a file beyond " +
		"`--max-file-bytes` are not scanned. Values are redacted in every output.",
	Equivalents: findings.Equivalents{Trivy: []string{"secret"}},
	Visit:       visitCGI2004,
}

// maxSecretsPerFile keeps one leaked .env from flooding the report; the
// first few are enough to act on.
const maxSecretsPerFile = 3

func visitCGI2004(s *Scan, e *Entry) {
	if !e.IsRegular() || e.Header.Size == 0 || matchAny(s.Policy.SecretSkipPaths, e.Path) {
		return
	}
	if st := state[credentialState](s, "CGI2003"); st.reported[e.serial] {
		return
	}
	data, _, err := e.Content()
	if err != nil || isBinary(data) {
		return
	}
	cs, p := s.Content, e.Path
	s.ReportFileAsync(e, data, func(data []byte) []string {
		var msgs []string
		for i, sec := range dedupeSecrets(cs.ScanContent(p, data)) {
			if i == maxSecretsPerFile {
				break
			}
			msgs = append(msgs, fmt.Sprintf("%s line %d contains a %s (%s); remove it from the build context and rotate it", p, sec.Line, sec.Description, sec.Redacted))
		}
		return msgs
	})
}

// isBinary uses git's heuristic: a NUL byte in the first 8000 bytes.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}
