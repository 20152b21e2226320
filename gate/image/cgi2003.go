package image

import (
	"path"
	"regexp"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2003: private keys and credential files by name.
var CGI2003 = Rule{
	ID:       "CGI2003",
	Name:     "image-credential-files",
	Severity: findings.Error,
	Summary:  "The image must not contain credential files (SSH keys, .env, .npmrc with a token, cloud credentials).",
	Why: "Files such as `id_rsa`, `.git-credentials`, `.aws/credentials` or a `.npmrc` with an auth token " +
		"usually arrive through `COPY . .` or a build step that needed them. Deleting them in a later RUN " +
		"does not help: the layer that added them is still pulled with the image. Add them to " +
		"`.dockerignore`, use `RUN --mount=type=secret` for build-time credentials, and rotate what leaked.",
	Equivalents: findings.Equivalents{Dockle: []string{"CIS-DI-0010"}},
	Visit:       visitCGI2003,
}

// credentialFile is one kind of credential file; needs, when set, must
// match the content (an .npmrc without a token is harmless).
type credentialFile struct {
	match func(p, base string) bool
	what  string
	needs *regexp.Regexp
}

var credentialFiles = []credentialFile{
	{func(_, b string) bool {
		return b == "id_rsa" || b == "id_dsa" || b == "id_ecdsa" || b == "id_ed25519" || b == "id_ecdsa_sk" || b == "id_ed25519_sk"
	}, "SSH private key", nil},
	{func(_, b string) bool {
		return b == ".env" || strings.HasPrefix(b, ".env.") && !strings.HasSuffix(b, ".example") && !strings.HasSuffix(b, ".sample") && !strings.HasSuffix(b, ".template") && !strings.HasSuffix(b, ".dist")
	}, "dotenv file", nil},
	{func(_, b string) bool { return b == ".git-credentials" }, "git credential store", nil},
	{func(_, b string) bool { return b == ".netrc" || b == "_netrc" }, "netrc credentials", regexp.MustCompile(`(?m)\bpassword\s+\S`)},
	{func(_, b string) bool { return b == ".npmrc" }, ".npmrc with an auth token", regexp.MustCompile(`(?i)_auth(Token)?\s*=|_password\s*=`)},
	{func(_, b string) bool { return b == ".pypirc" }, ".pypirc with a password", regexp.MustCompile(`(?m)^\s*password\s*[=:]`)},
	{func(_, b string) bool { return b == ".pgpass" }, "PostgreSQL password file", nil},
	{func(p, _ string) bool { return strings.HasSuffix(p, "/.aws/credentials") }, "AWS credentials file", nil},
	{func(p, _ string) bool { return strings.HasSuffix(p, "/.docker/config.json") }, "Docker config with registry credentials", regexp.MustCompile(`"(auth|identitytoken)"\s*:\s*"[^"]`)},
	{func(p, _ string) bool { return strings.HasSuffix(p, "/.kube/config") }, "kubeconfig", regexp.MustCompile(`(?m)^\s*(token|client-key-data|password):`)},
	{func(p, _ string) bool { return strings.HasSuffix(p, "/.config/gh/hosts.yml") }, "GitHub CLI token", regexp.MustCompile(`oauth_token:`)},
	{func(p, b string) bool {
		return b == "application_default_credentials.json" || strings.HasSuffix(p, "/.config/gcloud/credentials.db")
	}, "Google Cloud credentials", nil},
	{func(_, b string) bool { return strings.HasSuffix(b, ".p12") || strings.HasSuffix(b, ".pfx") }, "PKCS#12 key store", nil},
}

// credentialState marks entries CGI2003 reported, so CGI2004 does not
// report the same file twice for its content.
type credentialState struct{ reported map[int]bool }

func visitCGI2003(s *Scan, e *Entry) {
	if e.Mode.Type() != 0 {
		return
	}
	base := path.Base(e.Path)
	for _, c := range credentialFiles {
		if !c.match(e.Path, base) {
			continue
		}
		if c.needs != nil {
			data, _, _ := e.Content()
			if !c.needs.Match(data) {
				return
			}
		}
		st := state[credentialState](s, "CGI2003")
		if st.reported == nil {
			st.reported = map[int]bool{}
		}
		st.reported[e.serial] = true
		s.ReportFile(e, "%s is a %s; add it to .dockerignore, use RUN --mount=type=secret for build-time credentials, and rotate it", e.Path, c.what)
		return
	}
}
