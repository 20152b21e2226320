package rules

import (
	"path"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG2002: environment variables that switch off TLS or checksum checks.
var CG2002 = Rule{
	ID:       "CG2002",
	Name:     "verify-off-env",
	Severity: Error,
	Summary:  "Do not switch off TLS or checksum verification through environment variables.",
	Why: "`NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GIT_SSL_NO_VERIFY`, `PIP_TRUSTED_HOST`, " +
		"`NPM_CONFIG_STRICT_SSL=false`, `GOINSECURE` and `GOSUMDB=off` make every Node, Python, git, pip, npm " +
		"or Go process that sees them accept any certificate or skip the module checksum database, so a " +
		"man in the middle can swap what is downloaded. Set in `ENV` the switch also ships in the image and " +
		"weakens the service at run time; as an `ARG` default or an inline `VAR=... cmd` it still weakens " +
		"the build.\n\nTrust the right CA instead (`NODE_EXTRA_CA_CERTS`, `SSL_CERT_FILE`, " +
		"`update-ca-certificates`), and use `GOPRIVATE` for private Go modules.",
	Bad:  "FROM node:22-slim\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\nRUN npm ci\n",
	Good: "FROM node:22-slim\nCOPY corp-ca.crt /etc/ssl/corp-ca.crt\nENV NODE_EXTRA_CA_CERTS=/etc/ssl/corp-ca.crt\nRUN npm ci\n",
	Differences: "`ENV`, `ARG` defaults, inline assignments (`VAR=0 npm ci`, `env VAR=0 ...`) and `export` in RUN are " +
		"checked, in the stages that take part in building the target and in global ARGs. Values are " +
		"ARG-expanded, so `ENV NODE_TLS_REJECT_UNAUTHORIZED=${TLS}` fires when `TLS` defaults to `0`.",
	Check: checkCG2002,
}

func checkCG2002(ctx *Context) {
	for _, in := range ctx.File.GlobalArgs {
		cgCheckVerifyEnvDecl(ctx, in)
	}
	for _, s := range ctx.ShippedStages() {
		for _, in := range s.Instructions {
			if in.Kind == dockerfile.KindArg || in.Kind == dockerfile.KindEnv {
				cgCheckVerifyEnvDecl(ctx, in)
			}
		}
	}
	for in, cmd := range ctx.ShippedCommands() {
		for _, a := range cgInlineAssigns(cmd) {
			if !a.Value.Literal {
				continue
			}
			if why := cgVerifyOffVar(a.Name, a.Value.Value); why != "" {
				ctx.ReportCommand(in, cmd, "%s=%s %s; remove it and trust the right CA instead", a.Name, a.Value.Value, why)
			}
		}
	}
}

func cgCheckVerifyEnvDecl(ctx *Context, in *dockerfile.Instruction) {
	for _, kv := range in.Pairs {
		if !kv.HasValue {
			continue
		}
		v, ok := ctx.Expand(in, kv.Raw)
		if !ok {
			continue
		}
		if why := cgVerifyOffVar(kv.Key, v); why != "" {
			ctx.Report(in, "%s %s=%s %s; remove it and trust the right CA instead", in.Kind, kv.Key, v, why)
		}
	}
}

// cgInlineAssigns returns "VAR=x cmd" assignments, "export VAR=x" and the
// VAR=x arguments of env (which Unwrap skips over).
func cgInlineAssigns(cmd *dockerfile.SimpleCommand) []dockerfile.Assign {
	out := append([]dockerfile.Assign(nil), cmd.Assigns...)
	args := cmd.Args
	for len(args) > 0 && (path.Base(args[0].Value) == "env" || path.Base(args[0].Value) == "sudo") {
		args = args[1:]
		for len(args) > 0 && (strings.HasPrefix(args[0].Value, "-") || strings.Contains(args[0].Value, "=")) {
			if name, val, ok := strings.Cut(args[0].Value, "="); ok && !strings.HasPrefix(name, "-") {
				out = append(out, dockerfile.Assign{Name: name, Value: dockerfile.Word{Raw: val, Value: val, Literal: args[0].Literal}})
			}
			args = args[1:]
		}
	}
	return out
}

// cgVerifyOffVar explains what a variable setting switches off, or "".
func cgVerifyOffVar(name, value string) string {
	v := strings.ToLower(strings.TrimSpace(value))
	switch strings.ToUpper(name) {
	case "NODE_TLS_REJECT_UNAUTHORIZED":
		if v == "0" {
			return "makes Node.js accept any TLS certificate"
		}
	case "PYTHONHTTPSVERIFY":
		if v == "0" {
			return "makes Python's urllib accept any TLS certificate"
		}
	case "GIT_SSL_NO_VERIFY":
		if v != "" && !cgIsFalse(v) {
			return "makes git accept any TLS certificate"
		}
	case "PIP_TRUSTED_HOST":
		if v != "" {
			return "makes pip accept any certificate (or plain HTTP) from those hosts"
		}
	case "NPM_CONFIG_STRICT_SSL", "YARN_STRICT_SSL", "YARN_ENABLE_STRICT_SSL":
		if cgIsFalse(v) {
			return "makes the package manager accept any TLS certificate"
		}
	case "GOINSECURE":
		if v != "" {
			return "lets the go command fetch those modules without TLS verification or over plain HTTP"
		}
	case "GOSUMDB":
		if v == "off" {
			return "switches off Go's checksum database, so tampered modules are not detected"
		}
	case "GOFLAGS":
		if strings.Contains(" "+v, " -insecure") {
			return "lets the go command skip TLS verification"
		}
	}
	return ""
}
