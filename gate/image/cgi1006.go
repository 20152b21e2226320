package image

import (
	"strconv"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI1006: secrets in the build history (build args, commands).
var CGI1006 = Rule{
	ID:       "CGI1006",
	Name:     "image-history-secret",
	Severity: findings.Error,
	Summary:  "The build history must not contain secrets (build args, tokens in commands).",
	Why: "Every RUN that sees a build argument records it in the image history: BuildKit and the classic " +
		"builder write `RUN |1 NPM_TOKEN=... /bin/sh -c npm ci` into `history[].created_by`, which " +
		"`docker history --no-trunc` prints for anyone who can pull the image. A token in a command " +
		"(`curl -H \"Authorization: ...\"`) is recorded the same way. Use `RUN --mount=type=secret,id=npm` " +
		"and rotate the leaked secret.",
	Equivalents: findings.Equivalents{Dockle: []string{"CIS-DI-0010"}},
	Config:      checkCGI1006,
}

func checkCGI1006(s *Scan) {
	for i, h := range s.ConfigFile.History {
		args, rest := buildArgs(h.CreatedBy)
		for _, kv := range args {
			k, v, _ := strings.Cut(kv, "=")
			if what, ok := scanValue(s.Content, "build arg "+k, k, v); ok {
				s.Report(Anchor{Kind: AnchorHistory, Layer: i, Key: k}, "history:arg:"+k,
					"Build argument %s leaks %s into the image history (history entry %d); use RUN --mount=type=secret and rotate it", k, what, i+1)
			}
		}
		for _, sec := range dedupeSecrets(s.Content.ScanContent("history", []byte(rest))) {
			s.Report(Anchor{Kind: AnchorHistory, Layer: i}, "history:"+sec.RuleID+":"+strconv.Itoa(i),
				"History entry %d records %s in its command; use RUN --mount=type=secret and rotate it", i+1, secretPhrase(sec))
		}
	}
}

// buildArgs splits the "|N K=V ..." prefix BuildKit and the classic
// builder put before a RUN command from the command itself.
func buildArgs(createdBy string) ([]string, string) {
	s := strings.TrimPrefix(strings.TrimSpace(createdBy), "RUN ")
	if !strings.HasPrefix(s, "|") {
		return nil, s
	}
	num, rest, ok := strings.Cut(s[1:], " ")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n <= 0 || n > 1000 {
		return nil, s
	}
	var args []string
	for range n {
		rest = strings.TrimLeft(rest, " ")
		var kv string
		kv, rest, _ = strings.Cut(rest, " ")
		if !strings.Contains(kv, "=") {
			break
		}
		args = append(args, kv)
	}
	return args, rest
}

func dedupeSecrets(ss []Secret) []Secret {
	seen := map[string]bool{}
	var out []Secret
	for _, s := range ss {
		if seen[s.RuleID+s.Redacted] {
			continue
		}
		seen[s.RuleID+s.Redacted] = true
		out = append(out, s)
	}
	return out
}
