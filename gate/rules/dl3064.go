package rules

import (
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3064: sensitive-looking ARG and ENV names, hadolint's way.
var DL3064 = Rule{
	ID:       "DL3064",
	Name:     "sensitive-arg-env",
	Severity: Warning,
	Summary:  "Potentially sensitive data should not be used in ARG or ENV.",
	Why: "ARG values are recorded in the image history and build provenance, and ENV values ship in the image " +
		"config. A variable named like `GITHUB_TOKEN` or `DB_PASSWORD` puts a credential there. Pass it for " +
		"the one step that needs it instead: `RUN --mount=type=secret,id=gh,env=GITHUB_TOKEN ...`.",
	Bad:  "FROM debian:12\nARG GITHUB_TOKEN\nRUN true\n",
	Good: "FROM debian:12\nRUN --mount=type=secret,id=gh,env=GITHUB_TOKEN true\n",
	Differences: "Off by default: CG4001 asks the same question, on by default, and wins, so a secret-looking " +
		"name is reported once. CG4001 splits names into words and knows which are references, not " +
		"secrets (`*_FILE`, `*_URL`, `MYSQL_ALLOW_EMPTY_PASSWORD`); hadolint's DL3064, repeated here exactly, " +
		"fires on a fixed list of names (`AWS_ACCESS_KEY_ID`, `GITHUB_TOKEN`, `DOCKER_USERNAME`, ...) and on any " +
		"name containing `api_key`, `client_key`, `password`, `private`, `secret`, `token` or `username`, " +
		"case-insensitively, so `PASSWORD_FILE` and `PRIVATE_REGISTRY_URL` fire. `compat: hadolint` turns it on, as hadolint runs it by default. Enable it (`--only DL3064` or a " +
		"severity override) to get hadolint's findings under hadolint's id. Global ARGs, the stages that take " +
		"part in building the target and ONBUILD ARG/ENV are checked (every stage under `compat: hadolint`). " +
		"BuildKit's SecretsUsedInArgOrEnv is left to this rule (and to CG4001) when it is enabled.",
	Equivalents:  Equivalents{Hadolint: []string{"DL3064"}, Trivy: []string{"DS031"}, BuildKit: []string{"SecretsUsedInArgOrEnv"}},
	OffByDefault: true,
	EnabledBy:    hadolintCompatSet,
	Check:        checkDL3064,
}

// hadolintSensitiveNames and hadolintSensitiveFragments are hadolint's
// DL3064 lists (knownSensitiveNames, suspiciousSubstrings).
var (
	hadolintSensitiveNames = []string{
		"ACCESS_TOKEN", "APPLICATION_KEY", "APP_SECRET", "AUTH_TOKEN", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"BITTREX_API_KEY", "BITTREX_API_SECRET", "CF_PASSWORD", "CF_USERNAME", "CIRCLE_TOKEN", "CI_DEPLOY_PASSWORD",
		"CI_DEPLOY_USER", "DOCKERHUB_PASSWORD", "DOCKER_EMAIL", "DOCKER_PASSWORD", "DOCKER_USERNAME",
		"FACEBOOK_ACCESS_TOKEN", "FACEBOOK_APP_ID", "FACEBOOK_APP_SECRET", "FIREBASE_API_TOKEN", "FIREBASE_TOKEN",
		"FOSSA_API_KEY", "GH_ENTERPRISE_TOKEN", "GH_TOKEN", "GITHUB_ENTERPRISE_TOKEN", "GITHUB_TOKEN",
		"HEROKU_API_KEY", "HEROKU_API_USER", "NPM_AUTH_TOKEN", "NPM_TOKEN", "OKTA_AUTHN_GROUPID",
		"OKTA_CLIENT_ORGURL", "OKTA_CLIENT_TOKEN", "OKTA_OAUTH2_CLIENTID", "OKTA_OAUTH2_CLIENTSECRET",
		"OPENAI_API_KEY", "OS_PASSWORD", "OS_USERNAME", "POSTGRES_PASSWORD", "SLACK_TOKEN", "STRIPE_API_KEY",
		"STRIPE_DEVICE_NAME", "TRAVIS_OS_NAME", "TRAVIS_SECURE_ENV_VARS", "TRAVIS_SUDO", "VAULT_CLIENT_KEY",
		"VAULT_TOKEN",
	}
	hadolintSensitiveFragments = []string{"api_key", "client_key", "password", "private", "secret", "token", "username"}
)

func hadolintSensitiveName(name string) bool {
	if slices.Contains(hadolintSensitiveNames, strings.ToUpper(name)) {
		return true
	}
	lower := strings.ToLower(name)
	for _, f := range hadolintSensitiveFragments {
		if strings.Contains(lower, f) {
			return true
		}
	}
	return false
}

func checkDL3064(ctx *Context) {
	check := func(in *dockerfile.Instruction) {
		kind, names := in.Kind, argEnvNames(in)
		if in.Trigger != "" {
			kind = "ONBUILD " + in.Trigger
		}
		for _, n := range names {
			if hadolintSensitiveName(n) {
				ctx.Report(in, "%s %s may hold sensitive data, which the image keeps in its history or config; use RUN --mount=type=secret,id=...,env=%s instead", kind, n, n)
			}
		}
	}
	for _, in := range ctx.File.Instructions {
		argEnv := in.Kind == dockerfile.KindArg || in.Kind == dockerfile.KindEnv ||
			in.Trigger == dockerfile.KindArg || in.Trigger == dockerfile.KindEnv
		if !argEnv || in.Stage != nil && !in.Stage.ReachesTarget && !ctx.Compat() {
			continue
		}
		check(in)
	}
}

// argEnvNames are the variable names an ARG or ENV (or ONBUILD ARG/ENV)
// sets.
func argEnvNames(in *dockerfile.Instruction) []string {
	var out []string
	if in.Trigger == "" {
		for _, kv := range in.Pairs {
			out = append(out, kv.Key)
		}
		return out
	}
	switch c := in.TriggerCommand().(type) {
	case *instructions.ArgCommand:
		for _, a := range c.Args {
			out = append(out, a.Key)
		}
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			out = append(out, kv.Key)
		}
	}
	return out
}
