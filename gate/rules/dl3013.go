package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3013: pip install without pinned versions.
var DL3013 = Rule{
	ID:       "DL3013",
	Name:     "pip-pin",
	Severity: Warning,
	Summary:  "Pin versions in pip install, or install from a requirements or constraints file.",
	Why: "`pip install flask` resolves to the newest release on the day of the build, so rebuilds drift and " +
		"a compromised or breaking release ships without review. Pin (`flask==3.0.3`), or install from a " +
		"locked `requirements.txt` (`pip install -r`) or with a constraints file (`-c`).",
	Bad:  "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n",
	Good: "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask==3.0.3\n",
	Differences: "`pip`, `pip3`, `pip3.12` and `python -m pip` are recognised with a shell parser; option values " +
		"(`-i URL`, `--target DIR`) are not packages; local paths, archives, wheels, URLs and `name @ url` count " +
		"as pinned, a VCS URL only with an `@ref` (`git+https://host/repo.git@v1.2`, as hadolint); variables are expanded when their value is known and skipped when not. " + builtStagesDifference,
	Equivalents: Equivalents{Hadolint: []string{"DL3013"}},
	Check:       checkDL3013,
}

var pipValueOpts = takesValue("-b", "--build", "-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
	"--extra-index-url", "-f", "--find-links", "--trusted-host", "-t", "--target", "--prefix", "--root", "--src",
	"--cache-dir", "--platform", "--python-version", "--implementation", "--abi", "--progress-bar", "--timeout",
	"--retries", "--log", "--proxy", "--exists-action", "--cert", "--client-cert", "-C", "--config-settings",
	"--global-option", "--install-option", "--no-binary", "--only-binary", "--upgrade-strategy", "--python",
	"--report", "--use-feature", "--use-deprecated", "--root-user-action", "--keyring-provider", "--log-file")

func checkDL3013(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c, ok := pipCommand(ctx.Unwrap(cmd))
		if !ok || cliHasOption(c, "", "c", "--constraint") {
			continue
		}
		sub, pkgs := cliSubcommand(c, pipValueOpts)
		if sub != "install" {
			continue
		}
		if loose := unpinned(pkgs, pipPinned); len(loose) > 0 {
			ctx.ReportCommand(in, cmd, "pip install does not pin %s; use <package>==<version> or a requirements file", strings.Join(loose, ", "))
		}
	}
}

// pipCommand returns the pip command line of "pip3 ..." or
// "python3 -m pip ..." (argv[0] then being "pip").
func pipCommand(c *dockerfile.SimpleCommand) (*dockerfile.SimpleCommand, bool) {
	name := c.Name()
	if isVersionedName(name, "pip") {
		return c, true
	}
	if !isVersionedName(name, "python") {
		return nil, false
	}
	for i := 1; i+1 < len(c.Args); i++ {
		v := c.Args[i].Value
		if v == "-m" {
			if c.Args[i+1].Value != "pip" {
				return nil, false
			}
			out := *c
			out.Args = c.Args[i+1:]
			return &out, true
		}
		if !strings.HasPrefix(v, "-") {
			return nil, false
		}
	}
	return nil, false
}

// isVersionedName matches tool, tool3, tool3.12.
func isVersionedName(name, tool string) bool {
	rest, ok := strings.CutPrefix(name, tool)
	if !ok {
		return false
	}
	for _, r := range rest {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

// pipVCSSchemes are pip's VCS URL prefixes (pip's "VCS support" page): such
// a requirement is pinned only by an @ref after the repository path.
var pipVCSSchemes = []string{"git+", "hg+", "svn+", "bzr+", "git:", "svn:"}

func pipPinned(pkg string) bool {
	for _, scheme := range pipVCSSchemes {
		if strings.HasPrefix(pkg, scheme) {
			_, rest, _ := strings.Cut(pkg, "://")
			_, repoPath, _ := strings.Cut(rest, "/")
			repoPath, _, _ = strings.Cut(repoPath, "#")
			return strings.Contains(repoPath, "@")
		}
	}
	if strings.ContainsAny(pkg, "=<>@/") {
		return true
	}
	lower := strings.ToLower(pkg)
	for _, s := range []string{".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"} {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return pkg == "." || pkg == ".."
}
