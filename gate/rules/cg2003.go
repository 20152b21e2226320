package rules

import (
	"regexp"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG2003: package managers told to skip signature checks.
var CG2003 = Rule{
	ID:       "CG2003",
	Name:     "signature-check-off",
	Severity: Error,
	Summary:  "Do not switch off package signature verification.",
	Why: "Package signatures are what make a mirror, a proxy or plain HTTP safe: the package manager refuses " +
		"anything the distribution did not sign. `apt-get --allow-unauthenticated` (and `--force-yes`, " +
		"`--allow-insecure-repositories`, `[trusted=yes]` sources), `yum`/`dnf --nogpgcheck` or `gpgcheck=0`, " +
		"`zypper --no-gpg-checks`, `apk --allow-untrusted`, `rpm --nosignature`/`--nodigest`, " +
		"`dpkg --force-bad-verify` and `snap install --dangerous` install whatever arrives.\n\n" +
		"Import the repository's signing key instead (`/etc/apt/keyrings/<repo>.gpg` with `signed-by=`, " +
		"`rpm --import <key>`, the key in `/etc/apk/keys/`).",
	Bad: "FROM rockylinux:9.3-minimal\nRUN microdnf install -y --nogpgcheck nginx\n",
	Good: "FROM rockylinux:9.3-minimal\nRUN rpm --import https://nginx.org/keys/nginx_signing.key \\\n" +
		" && microdnf install -y nginx\n",
	Differences: "Only stages that take part in building the target are checked. Besides command options, text " +
		"written to repository or apt configuration (by `echo`, `printf`, `sed` or a heredoc) is read for " +
		"`gpgcheck=0`, `[trusted=yes]` and `AllowUnauthenticated`; `repo_gpgcheck=0` (the distributions' own " +
		"default) does not fire.",
	Check: checkCG2003,
}

func checkCG2003(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		if what := cgSignatureBypass(cmd.Unwrap()); what != "" {
			ctx.ReportCommand(in, cmd, "%s installs packages without checking their signatures; import the repository's signing key instead", what)
		}
	}
	for in, text := range cgDataHeredocs(ctx) {
		if m := cgSigConfigText(text); m != "" {
			ctx.Report(in, "The file content %q switches off package signature checks; import the repository's signing key instead", m)
		}
	}
}

var (
	// cgSigConfigRes find signature checks switched off in repository and
	// apt configuration text; the prefix keeps repo_gpgcheck=0 out while
	// printf's "\\ngpgcheck=0" still counts.
	cgSigConfigRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)(?:^|[^a-z0-9_]|\\n)gpgcheck\s*=\s*(0|false|no)\b`),
		regexp.MustCompile(`(?i)\[[^\]]*\btrusted=yes\b[^\]]*\]`),
		regexp.MustCompile(`(?i)\bAPT::Get::AllowUnauthenticated\s*[= ]\s*"?(true|1|yes)`),
		regexp.MustCompile(`(?i)\bAcquire::AllowInsecureRepositories\s*[= ]\s*"?(true|1|yes)`),
		regexp.MustCompile(`(?i)\bAcquire::AllowDowngradeToInsecureRepositories\s*[= ]\s*"?(true|1|yes)`),
	}
	cgSigOptions = map[string][]string{
		"apt-get":  {"--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"},
		"apt":      {"--allow-unauthenticated", "--allow-insecure-repositories", "--force-yes"},
		"aptitude": {"--allow-untrusted"},
		"yum":      {"--nogpgcheck", "--no-gpgchecks"},
		"dnf":      {"--nogpgcheck", "--no-gpgchecks"},
		"dnf5":     {"--nogpgcheck", "--no-gpgchecks"},
		"microdnf": {"--nogpgcheck"},
		"tdnf":     {"--nogpgcheck"},
		"zypper":   {"--no-gpg-checks", "--no-gpg-check"},
		"apk":      {"--allow-untrusted"},
		"rpm":      {"--nosignature", "--nodigest", "--nosig"},
		"dpkg":     {"--force-bad-verify"},
		"snap":     {"--dangerous"},
	}
)

func cgSigConfigText(s string) string {
	for _, re := range cgSigConfigRes {
		if m := re.FindString(s); m != "" {
			return m
		}
	}
	return ""
}

// cgSignatureBypass names the option that skips signature checks, or "".
func cgSignatureBypass(c *dockerfile.SimpleCommand) string {
	name := c.Name()
	if name == "yum-config-manager" || name == "dnf" && c.HasArg("config-manager") {
		name = "yum"
	}
	if name == "rpm" && !cgRPMInstalls(c) {
		// "rpm -qa --nosignature" only skips checks while querying.
		return ""
	}
	if opts, ok := cgSigOptions[name]; ok {
		for _, w := range c.Args[1:] {
			for _, o := range opts {
				if w.Value == o {
					return name + " " + o
				}
			}
			if strings.HasPrefix(w.Value, "--setopt") || strings.Contains(w.Value, "gpgcheck") {
				if m := cgSigConfigText(w.Value); m != "" {
					return name + " " + w.Value
				}
			}
		}
		if name == "apt-get" || name == "apt" {
			for _, v := range cgAptOptions(c.Args) {
				if m := cgSigConfigText(strings.Replace(v, "=", " ", 1)); m != "" {
					return name + " -o " + v
				}
			}
		}
		return ""
	}
	switch name {
	case "echo", "printf", "sed", "add-apt-repository":
		for _, w := range c.Args[1:] {
			if m := cgSigConfigText(w.Value); m != "" {
				return name + " writing " + m
			}
		}
	}
	return ""
}

// cgRPMInstalls reports whether rpm runs in a mode that installs
// packages (-i, -U, -F and their bundles such as -Uvh, or the long forms).
func cgRPMInstalls(c *dockerfile.SimpleCommand) bool {
	for _, w := range c.Args[1:] {
		v := w.Value
		switch {
		case v == "--install" || v == "--upgrade" || v == "--freshen" || v == "--reinstall":
			return true
		case len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.ContainsAny(v[1:2], "iUF"):
			return true
		}
	}
	return false
}
