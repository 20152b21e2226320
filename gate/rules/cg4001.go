package rules

import (
	"strings"
	"unicode"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG4001: secret-looking ARG and ENV names.
var CG4001 = Rule{
	ID:       "CG4001",
	Name:     "secret-in-arg-env",
	Severity: Warning,
	Summary:  "Pass secrets with RUN --mount=type=secret, not through ARG or ENV.",
	Why: "ARG values are recorded in the image history and in build provenance, and ENV values ship in the " +
		"image config, readable by anyone who can pull it. A variable named like `DB_PASSWORD`, `NPM_TOKEN`, " +
		"`API_KEY` or `AWS_SECRET_ACCESS_KEY` is almost always a credential. Mount it for the one step that " +
		"needs it instead:\n\n```\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\n```\n\n" +
		"and build with `docker build --secret id=npm_token,env=NPM_TOKEN .`. At run time, inject secrets " +
		"from the platform (files or environment set by the orchestrator), not from the image.",
	Bad:  "FROM node:22-slim\nARG NPM_TOKEN\nRUN npm ci\n",
	Good: "FROM node:22-slim\nRUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\n",
	Differences: "Names are split into words (`_`, `-`, `.`, camelCase) and matched word by word: PASSWORD, " +
		"PASSWD, PASS, SECRET, TOKEN, CREDENTIAL(S), APIKEY, words ending in them (`ROOTPASS`, `DBPASSWORD`; " +
		"not `BYPASS`), and KEY after API, ACCESS, PRIVATE, SECRET, CLIENT, SIGNING, ENCRYPTION, MASTER, ... " +
		"Names that hold a reference rather than the secret do not fire: a last word of FILE, PATH, DIR, " +
		"URL, URI, ENDPOINT, NAME, ID, HOST, PORT, TYPE, VERSION, LENGTH, HEADER, ...; nor switches about a " +
		"secret (PUBLIC, ALLOW, EMPTY, RANDOM, SKIP, ...: `MYSQL_ALLOW_EMPTY_PASSWORD`). BuildKit's " +
		"SecretsUsedInArgOrEnv also fires on `GPG_KEY` (a public key fingerprint in official images) and " +
		"`*_KEY_FILE`; this rule does not. Global ARGs and the stages that take part in building the target " +
		"are checked: a stage that is never built receives no build argument.",
	Equivalents: Equivalents{Trivy: []string{"DS031"}, Dockle: []string{"CIS-DI-0010"}, BuildKit: []string{"SecretsUsedInArgOrEnv"}},
	Check:       checkCG4001,
}

func checkCG4001(ctx *Context) {
	check := func(in *dockerfile.Instruction) {
		for _, kv := range in.Pairs {
			if cgSecretName(kv.Key) {
				ctx.Report(in, "%s %s looks like a secret and is kept in the image history or config; use RUN --mount=type=secret,id=...,env=%s instead", in.Kind, kv.Key, kv.Key)
			}
		}
	}
	for _, in := range ctx.File.GlobalArgs {
		check(in)
	}
	for _, s := range ctx.ShippedStages() {
		for _, in := range s.Instructions {
			if in.Kind == dockerfile.KindArg || in.Kind == dockerfile.KindEnv {
				check(in)
			}
		}
	}
}

var (
	cgSecretWords = map[string]bool{
		"PASSWORD": true, "PASSWD": true, "PASSPHRASE": true, "SECRET": true, "SECRETS": true, "TOKEN": true,
		"CREDENTIAL": true, "CREDENTIALS": true, "CREDS": true, "APIKEY": true, "PRIVATEKEY": true, "PASS": true,
	}
	// cgKeyQualifiers make a following KEY a secret (API_KEY, not GPG_KEY).
	cgKeyQualifiers = map[string]bool{
		"API": true, "ACCESS": true, "PRIVATE": true, "SECRET": true, "CLIENT": true, "SIGNING": true,
		"ENCRYPTION": true, "MASTER": true, "AUTH": true, "LICENSE": true, "SERVICE": true, "ACCOUNT": true,
	}
	// cgSwitchWords mark settings about a secret rather than the secret:
	// MYSQL_ALLOW_EMPTY_PASSWORD=yes, MYSQL_RANDOM_ROOT_PASSWORD=1,
	// JWT_PUBLIC_KEY, SKIP_TOKEN.
	cgSwitchWords = map[string]bool{
		"PUBLIC": true, "PUB": true, "NO": true, "SKIP": true, "ALLOW": true, "EMPTY": true, "RANDOM": true,
		"GENERATE": true, "REQUIRE": true, "REQUIRED": true, "ENABLE": true, "DISABLE": true,
	}
	// cgReferenceWords, as the last word, name where a secret is or what
	// it is called, not the secret itself.
	cgReferenceWords = map[string]bool{
		"FILE": true, "FILES": true, "PATH": true, "DIR": true, "DIRECTORY": true, "URL": true, "URI": true,
		"ENDPOINT": true, "NAME": true, "ID": true, "HOST": true, "PORT": true, "TYPE": true, "VERSION": true,
		"TTL": true, "LENGTH": true, "HEADER": true, "EXPIRY": true, "EXPIRES": true, "TIMEOUT": true,
		"ENABLED": true, "DISABLED": true, "REF": true, "LOCATION": true, "MOUNT": true, "SOURCE": true,
		"ARN": true, "KEYRING": true, "ENV": true, "VAR": true, "PREFIX": true, "MODE": true, "FORMAT": true,
		"POLICY": true, "PROVIDER": true, "REGION": true, "USER": true, "USERNAME": true, "FINGERPRINT": true,
		"CMD": true, "COMMAND": true, "HELPER": true, "STORE": true, "SERVER": true, "ALGORITHM": true,
	}
)

// cgSecretName reports whether a variable name looks like it holds a
// credential.
func cgSecretName(name string) bool {
	words := cgNameWords(name)
	if len(words) == 0 || cgReferenceWords[words[len(words)-1]] {
		return false
	}
	for _, w := range words {
		if cgSwitchWords[w] {
			return false
		}
	}
	for i, w := range words {
		if cgSecretWords[w] && !(w == "PASS" && len(words) == 1) || cgGluedSecret(w) {
			return true
		}
		if w == "KEY" && i > 0 && cgKeyQualifiers[words[i-1]] {
			return true
		}
	}
	return false
}

// cgGluedSecret catches words such as ROOTPASS, DBPASSWORD or
// GITHUBTOKEN, without BYPASS, COMPASS or TOKENIZERS.
func cgGluedSecret(w string) bool {
	for _, suffix := range []string{"PASSWORD", "PASSWD", "SECRET", "TOKEN"} {
		if strings.HasSuffix(w, suffix) {
			return true
		}
	}
	switch w {
	case "BYPASS", "COMPASS", "SURPASS", "TRESPASS", "OVERPASS", "UNDERPASS", "PASS":
		return false
	}
	return strings.HasSuffix(w, "PASS") && len(w) > 4
}

// cgNameWords splits NAME_like-this.andThat into upper-case words.
func cgNameWords(name string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToUpper(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(name)
	for i, r := range rs {
		switch {
		case r == '_' || r == '-' || r == '.':
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
	}
	flush()
	return words
}
