package image

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"sync"

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
	cs, p, memo := s.Content, e.Path, state[scanMemo](s, "CGI2004")
	s.ReportFileAsync(e, data, func(data []byte) []string {
		return memo.get(p, data, func() []string {
			var msgs []string
			for i, sec := range dedupeSecrets(cs.ScanContent(p, data)) {
				if i == maxSecretsPerFile {
					break
				}
				msgs = append(msgs, fmt.Sprintf("%s line %d holds %s; remove it from the build context and rotate it", p, sec.Line, secretPhrase(sec)))
			}
			return msgs
		})
	})
}

// scanMemo scans a (path, content) pair once: a layer made by
// "RUN chown -R" or "chmod -R" carries every file of the layer below
// again, byte for byte, and would double the cost of the costliest check.
// Each copy is still reported on its own layer. The path is part of the
// key because detectors may allowlist by path.
type scanMemo struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]*memoEntry
}

type memoEntry struct {
	once sync.Once
	msgs []string
}

func (m *scanMemo) get(path string, data []byte, scan func() []string) []string {
	h := sha256.New()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write(data)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	m.mu.Lock()
	if m.m == nil {
		m.m = map[[sha256.Size]byte]*memoEntry{}
	}
	e := m.m[key]
	if e == nil {
		e = &memoEntry{}
		m.m[key] = e
	}
	m.mu.Unlock()
	e.once.Do(func() { e.msgs = scan() })
	return e.msgs
}

// isBinary uses git's heuristic: a NUL byte in the first 8000 bytes.
func isBinary(data []byte) bool {
	return bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0
}
