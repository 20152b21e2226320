package rules

import (
	"iter"
	"regexp"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG2001: commands that switch off TLS certificate verification.
var CG2001 = Rule{
	ID:       "CG2001",
	Name:     "tls-verify-off",
	Severity: Error,
	Summary:  "Do not switch off TLS certificate verification in build commands.",
	Why: "`curl -k`, `wget --no-check-certificate`, `git -c http.sslVerify=false`, `npm config set strict-ssl false`, " +
		"`pip --trusted-host`, `conda config --set ssl_verify false` and apt's " +
		"`Acquire::https::Verify-Peer=false` accept any certificate, so anyone on the network path (a proxy, " +
		"a compromised CI runner network, DNS spoofing) can replace what the build downloads. Settings written " +
		"to config files (`check_certificate = off` in `.wgetrc`, `strict-ssl=false` in `.npmrc`, " +
		"`sslverify=0` in a yum repo or git config) have the same effect and are reported too.\n\n" +
		"Fix the trust store instead: install `ca-certificates`, or add your corporate CA with " +
		"`COPY corp-ca.crt /usr/local/share/ca-certificates/` and `update-ca-certificates`.",
	Bad:  "FROM debian:12.7-slim\nRUN curl -fsSLk https://example.com/tool.tgz -o /tmp/tool.tgz\n",
	Good: "FROM debian:12.7-slim\nRUN curl -fsSL https://example.com/tool.tgz -o /tmp/tool.tgz\n",
	Differences: "Only stages that take part in building the target are checked (a stage that is never built " +
		"downloads nothing); lint other targets with `--target`. Commands are read with a shell parser, " +
		"including `sudo`/`env` prefixes, exec form, heredoc scripts and `sh -c \"...\"` strings, so `-k` " +
		"inside an unrelated quoted string does not fire. Environment variables with the same effect " +
		"(`NODE_TLS_REJECT_UNAUTHORIZED=0`, ...) are CG2002.",
	Check: checkCG2001,
}

func checkCG2001(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		if what := cgTlsBypass(cmd.Unwrap()); what != "" {
			ctx.ReportCommand(in, cmd, "%s disables TLS certificate verification; trust the server's CA (ca-certificates or your own CA) instead", what)
		}
	}
	for in, text := range cgDataHeredocs(ctx) {
		if m := cgTlsConfigText(text); m != "" {
			ctx.Report(in, "The file content %q disables TLS certificate verification; remove it and trust the server's CA instead", m)
		}
	}
}

// cgTlsBypass names the option that turns off certificate checks, or "".
func cgTlsBypass(c *dockerfile.SimpleCommand) string {
	args := c.Args
	switch name := c.Name(); {
	case name == "curl":
		if cgHasOpt(args, []string{"--insecure", "--proxy-insecure", "--doh-insecure"}, 'k', cgCurlArgLetters) {
			return "curl -k/--insecure"
		}
	case name == "wget":
		if cgHasOpt(args, []string{"--no-check-certificate"}, 0, "") {
			return "wget --no-check-certificate"
		}
		for i, w := range args {
			v := strings.ToLower(w.Value)
			if (v == "-e" || v == "--execute") && i+1 < len(args) && cgCheckCertOffRe.MatchString(args[i+1].Value) ||
				strings.HasPrefix(v, "--execute=") && cgCheckCertOffRe.MatchString(v) {
				return "wget -e check_certificate=off"
			}
		}
	case name == "git":
		for i, w := range args {
			v := strings.ToLower(w.Value)
			if cgGitSSLVerifyRe.MatchString(v) && (strings.Contains(v, "=") && cgIsFalse(v[strings.LastIndex(v, "=")+1:]) ||
				!strings.Contains(v, "=") && i+1 < len(args) && cgIsFalse(args[i+1].Value)) {
				return "git http.sslVerify=false"
			}
		}
	case name == "npm" || name == "yarn" || name == "pnpm":
		for i, w := range args {
			v := strings.ToLower(strings.TrimLeft(w.Value, "-"))
			if v == "no-strict-ssl" || cgStrictSSLOffRe.MatchString(v) ||
				(v == "strict-ssl" || v == "enablestrictssl") && i+1 < len(args) && cgIsFalse(args[i+1].Value) {
				return name + " strict-ssl false"
			}
		}
	case strings.HasPrefix(name, "pip") || strings.HasPrefix(name, "python") || name == "uv":
		for _, w := range args {
			v := strings.ToLower(w.Value)
			if v == "--trusted-host" || strings.HasPrefix(v, "--trusted-host=") || strings.HasSuffix(v, ".trusted-host") ||
				v == "--allow-insecure-host" || strings.HasPrefix(v, "--allow-insecure-host=") {
				return name + " --trusted-host"
			}
		}
	case name == "conda" || name == "mamba" || name == "micromamba":
		for i, w := range args {
			if strings.EqualFold(w.Value, "ssl_verify") && i+1 < len(args) && cgIsFalse(args[i+1].Value) {
				return name + " ssl_verify false"
			}
		}
	case name == "apt-get" || name == "apt" || name == "aptitude":
		for _, v := range cgAptOptions(args) {
			if cgAptVerifyOffRe.MatchString(v) {
				return name + " -o Acquire::https::Verify-Peer=false"
			}
		}
	case name == "echo" || name == "printf" || name == "sed":
		for _, w := range args[1:] {
			if m := cgTlsConfigText(w.Value); m != "" {
				return name + " writing " + m
			}
		}
	}
	return ""
}

// cgCurlArgLetters are curl's short options that take a value, so that in
// "-o k" or "-ok" the k is a file name, not --insecure.
const cgCurlArgLetters = "AbcCdDeEFHKmoPQrtTuUwxXyYz"

var (
	cgCheckCertOffRe = regexp.MustCompile(`(?i)check[_-]certificate\s*=\s*(off|0|false|no)\b`)
	cgGitSSLVerifyRe = regexp.MustCompile(`^http\.(\S+\.)?sslverify(=|$)`)
	cgStrictSSLOffRe = regexp.MustCompile(`^strict-ssl=(false|0|no)$`)
	cgAptVerifyOffRe = regexp.MustCompile(`(?i)^acquire::https::(\S+::)?verify-(peer|host)\s*=\s*"?(false|0|no)"?$`)
	// cgTlsConfigRes find verification switched off in config-file text
	// written by echo/printf/sed or a heredoc (.wgetrc, .npmrc, yum .repo,
	// gitconfig, apt.conf).
	cgTlsConfigRes = []*regexp.Regexp{
		cgCheckCertOffRe,
		regexp.MustCompile(`(?i)\bstrict-ssl\s*=\s*(false|0|no)\b`),
		regexp.MustCompile(`(?i)\bsslverify\s*=\s*(false|0|no|off)\b`),
		regexp.MustCompile(`(?i)\bacquire::https::(\S+::)?verify-(peer|host)\s+"?(false|0|no)"?`),
	}
)

func cgTlsConfigText(s string) string {
	for _, re := range cgTlsConfigRes {
		if m := re.FindString(s); m != "" {
			return m
		}
	}
	return ""
}

func cgIsFalse(v string) bool {
	switch strings.ToLower(strings.Trim(v, `"'`)) {
	case "false", "0", "no", "off":
		return true
	}
	return false
}

// cgHasOpt reports whether argv (after argv[0]) sets an option: one of the
// long forms (alone or as --long=value), or the short letter alone or in
// a bundle ("-fsSLk"). takesArg lists the short letters whose value
// follows, so "-o k" and "-ok" are not read as -k. Parsing stops at "--".
func cgHasOpt(args []dockerfile.Word, long []string, short byte, takesArg string) bool {
	for i := 1; i < len(args); i++ {
		v := args[i].Value
		if v == "--" {
			return false
		}
		for _, l := range long {
			if v == l || strings.HasPrefix(v, l+"=") {
				return true
			}
		}
		if len(v) < 2 || v[0] != '-' || v[1] == '-' || !args[i].Literal {
			continue
		}
		for j := 1; j < len(v); j++ {
			if short != 0 && v[j] == short {
				return true
			}
			if strings.IndexByte(takesArg, v[j]) >= 0 {
				if j == len(v)-1 {
					i++
				}
				break
			}
		}
	}
	return false
}

// cgAptOptions returns the values of apt's "-o X=Y" options (also "-oX=Y"
// and "--option X=Y").
func cgAptOptions(args []dockerfile.Word) []string {
	var out []string
	for i := 1; i < len(args); i++ {
		v := args[i].Value
		switch {
		case (v == "-o" || v == "--option") && i+1 < len(args):
			out = append(out, args[i+1].Value)
			i++
		case strings.HasPrefix(v, "-o") && len(v) > 2 && v[2] != '-':
			out = append(out, v[2:])
		case strings.HasPrefix(v, "--option="):
			out = append(out, strings.TrimPrefix(v, "--option="))
		}
	}
	return out
}

// cgShellNames are the POSIX shells whose -c strings and stdin we read.
var cgShellNames = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "ksh": true, "mksh": true, "zsh": true}

// cgDataHeredocs yields the heredoc bodies of shipped RUN/COPY/ADD
// instructions that are file content rather than the RUN script itself
// ("RUN cat > /etc/x.repo <<EOF", "COPY <<EOF /etc/apt/apt.conf.d/x").
func cgDataHeredocs(ctx *Context) iter.Seq2[*dockerfile.Instruction, string] {
	return func(yield func(*dockerfile.Instruction, string) bool) {
		for in := range ctx.Instructions(dockerfile.KindRun, dockerfile.KindCopy, dockerfile.KindAdd) {
			if in.Stage == nil || !in.Stage.ReachesTarget {
				continue
			}
			scripts := map[string]bool{}
			for _, s := range in.Scripts {
				if s.Heredoc != "" {
					scripts[s.Heredoc] = true
				}
			}
			for _, h := range in.Heredocs {
				if scripts[h.Name] || in.Kind == dockerfile.KindRun && cgIsShellHeredoc(in, h.Name) {
					continue
				}
				if !yield(in, h.Content) {
					return
				}
			}
		}
	}
}

// cgIsShellHeredoc reports whether a RUN heredoc is fed to a shell
// ("bash <<EOF"): its commands are already in the model, so reading its
// text again would report them twice.
func cgIsShellHeredoc(in *dockerfile.Instruction, name string) bool {
	for _, s := range in.Scripts {
		for _, c := range s.Commands {
			if !cgShellNames[c.Unwrap().Name()] {
				continue
			}
			for _, r := range c.Redirects {
				if strings.HasPrefix(r.Op, "<<") && strings.Trim(r.Target.Value, `"'-`) == name {
					return true
				}
			}
		}
	}
	return false
}
