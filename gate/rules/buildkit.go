package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
)

// BuildKit's own checks (`docker build --check`). The lint engine runs
// BuildKit's linter through its packages (gate/buildkitlint) and reports
// each warning under BuildKit's rule name, so `# check=skip=NAME`,
// `--only NAME` and `severity: {NAME: ...}` mean what Docker users expect.
// They are engine-reported (Builtin); their examples are checked against
// BuildKit itself in gate/buildkitlint.
//
// Where a DL or CG rule says the same thing (its Equivalents.BuildKit
// names the check), the DL/CG rule wins and the BuildKit finding is
// dropped while that rule runs: it keeps hadolint's id, so existing
// ignores, pragmas and configuration keep working, and it applies crank's
// ARG expansion and stage scoping. With the DL/CG rule disabled or outside
// --only, the BuildKit check reports.

// buildkitRule builds the catalogue entry of one BuildKit check; summary
// is ours (BuildKit's descriptions are not all one short sentence).
func buildkitRule(name, url, description string, sev Severity, summary, why, bad, good string, hadolint ...string) Rule {
	slug := strings.TrimSuffix(url[strings.LastIndex(strings.TrimSuffix(url, "/"), "/")+1:], "/")
	return Rule{
		ID:       name,
		Name:     "buildkit-" + slug,
		Severity: sev,
		Summary:  summary,
		Why: why + "\n\nBuildKit's description: " + description + ". Reference: " + url +
			". Off by default: `buildkit-checks: true` in `.crank-gate.yaml` turns on all of BuildKit's checks, " +
			"`--only " + name + "` or a severity override this one. Like BuildKit, `# check=skip=" + name +
			"` (or `skip=all`) turns it off for the file and `# check=error=true` makes its findings errors.",
		Bad:         bad,
		Good:        good,
		Equivalents: Equivalents{BuildKit: []string{name}, Hadolint: hadolint},
		Builtin:     true,
		// Off by default: running BuildKit's conversion adds about 60% to
		// the CPU time of linting (make bench-gate prints the figure), far
		// over the 20% budget for default checks.
		OffByDefault: true,
		EnabledBy:    func(cfg *config.Config) bool { return cfg.BuildKitChecks },
	}
}

// BuildKitRules are BuildKit's checks in BuildKit's order.
func BuildKitRules() []Rule {
	return []Rule{
		buildkitRule(linter.RuleStageNameCasing.Name, linter.RuleStageNameCasing.URL, linter.RuleStageNameCasing.Description, Style,
			"Stage names should be lowercase.",
			"Stage names are case-insensitive in `COPY --from` and `FROM`, so mixed case only misleads.",
			"FROM alpine:3.20 AS Builder\n", "FROM alpine:3.20 AS builder\n"),
		buildkitRule(linter.RuleFromAsCasing.Name, linter.RuleFromAsCasing.URL, linter.RuleFromAsCasing.Description, Style,
			"The AS keyword should match the case of the FROM keyword.",
			"Mixed `FROM ... as` casing reads like a typo and makes the file harder to grep.",
			"FROM alpine:3.20 as builder\n", "FROM alpine:3.20 AS builder\n"),
		buildkitRule(linter.RuleNoEmptyContinuation.Name, linter.RuleNoEmptyContinuation.URL, linter.RuleNoEmptyContinuation.Description, Style,
			"Empty continuation lines will become errors in a future BuildKit release.",
			"An empty line inside a `\\` continuation is accepted today but deprecated; remove it.",
			"FROM alpine:3.20\nRUN apk add \\\n\n    curl\n", "FROM alpine:3.20\nRUN apk add \\\n    curl\n"),
		buildkitRule(linter.RuleConsistentInstructionCasing.Name, linter.RuleConsistentInstructionCasing.URL, linter.RuleConsistentInstructionCasing.Description, Style,
			"All instructions should use the same casing, upper or lower.",
			"Mixing `RUN` and `run` in one file makes it harder to read and to search.",
			"FROM alpine:3.20\nrun echo hi\nRUN echo there\n", "FROM alpine:3.20\nRUN echo hi\nRUN echo there\n"),
		buildkitRule(linter.RuleDuplicateStageName.Name, linter.RuleDuplicateStageName.URL, linter.RuleDuplicateStageName.Description, Warning,
			"Stage names should be unique.",
			"With two stages of one name, `COPY --from` and `--target` silently pick one of them.",
			"FROM alpine:3.20 AS build\nFROM alpine:3.20 AS build\n", "FROM alpine:3.20 AS build\nFROM alpine:3.20 AS test\n", "DL3024"),
		buildkitRule(linter.RuleReservedStageName.Name, linter.RuleReservedStageName.URL, linter.RuleReservedStageName.Description, Warning,
			"Reserved words (scratch, context) should not be used as stage names.",
			"A stage called `scratch` or `context` shadows BuildKit's own meaning of the name.",
			"FROM alpine:3.20 AS scratch\n", "FROM alpine:3.20 AS base\n"),
		buildkitRule(linter.RuleJSONArgsRecommended.Name, linter.RuleJSONArgsRecommended.URL, linter.RuleJSONArgsRecommended.Description, Warning,
			"Use JSON arguments for CMD and ENTRYPOINT so the process receives OS signals.",
			"The shell form runs the command under `/bin/sh -c`, which does not forward SIGTERM: the container is killed after the stop timeout.",
			"FROM alpine:3.20\nCMD echo hi\n", "FROM alpine:3.20\nCMD [\"echo\", \"hi\"]\n", "DL3025"),
		buildkitRule(linter.RuleMaintainerDeprecated.Name, linter.RuleMaintainerDeprecated.URL, linter.RuleMaintainerDeprecated.Description, Warning,
			"MAINTAINER is deprecated in favour of a LABEL.",
			"`MAINTAINER` is deprecated; use `LABEL org.opencontainers.image.authors=...`.",
			"FROM alpine:3.20\nMAINTAINER me@example.com\n", "FROM alpine:3.20\nLABEL org.opencontainers.image.authors=me@example.com\n", "DL4000"),
		buildkitRule(linter.RuleUndefinedArgInFrom.Name, linter.RuleUndefinedArgInFrom.URL, linter.RuleUndefinedArgInFrom.Description, Warning,
			"FROM refers to an ARG that is not declared before the first FROM.",
			"Only global ARGs are visible in FROM; an undeclared one expands to the empty string.",
			"FROM alpine:${VERSION}\n", "ARG VERSION=3.20\nFROM alpine:${VERSION}\n"),
		buildkitRule(linter.RuleWorkdirRelativePath.Name, linter.RuleWorkdirRelativePath.URL, linter.RuleWorkdirRelativePath.Description, Warning,
			"A relative WORKDIR depends on the base image's working directory.",
			"A relative WORKDIR is resolved against whatever the base image set, which can change under you.",
			"FROM alpine:3.20\nWORKDIR app\n", "FROM alpine:3.20\nWORKDIR /app\n", "DL3000"),
		buildkitRule(linter.RuleUndefinedVar.Name, linter.RuleUndefinedVar.URL, linter.RuleUndefinedVar.Description, Warning,
			"A variable is used that no ARG or ENV defines.",
			"An undefined variable expands to the empty string, usually a typo. The gate never downloads base "+
				"images, so it cannot see the variables a base image defines: this check is only judged in stages "+
				"built from `scratch` (BuildKit with the image at hand judges every stage).",
			"FROM scratch\nCOPY $SRC /app\n", "FROM scratch\nARG SRC=.\nCOPY $SRC /app\n"),
		buildkitRule(linter.RuleMultipleInstructionsDisallowed.Name, linter.RuleMultipleInstructionsDisallowed.URL, linter.RuleMultipleInstructionsDisallowed.Description, Warning,
			"Multiple CMD, ENTRYPOINT or HEALTHCHECK instructions in one stage; only the last takes effect.",
			"Each CMD, ENTRYPOINT or HEALTHCHECK replaces the previous one; the earlier ones are dead code.",
			"FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n", "FROM alpine:3.20\nCMD [\"b\"]\n", "DL3012", "DL4003", "DL4004"),
		buildkitRule(linter.RuleLegacyKeyValueFormat.Name, linter.RuleLegacyKeyValueFormat.URL, linter.RuleLegacyKeyValueFormat.Description, Style,
			"Use ENV key=value, not the legacy ENV key value.",
			"The legacy form takes the rest of the line as one value, which surprises readers; `key=value` is unambiguous.",
			"FROM alpine:3.20\nENV APP_HOME /app\n", "FROM alpine:3.20\nENV APP_HOME=/app\n"),
		buildkitRule(linter.RuleRedundantTargetPlatform.Name, linter.RuleRedundantTargetPlatform.URL, linter.RuleRedundantTargetPlatform.Description, Warning,
			"FROM --platform=$TARGETPLATFORM is redundant: it is the default.",
			"`--platform=$TARGETPLATFORM` says what FROM does anyway and hides the stages that really pick a platform.",
			"FROM --platform=$TARGETPLATFORM alpine:3.20\n", "FROM alpine:3.20\n"),
		buildkitRule(linter.RuleSecretsUsedInArgOrEnv.Name, linter.RuleSecretsUsedInArgOrEnv.URL, linter.RuleSecretsUsedInArgOrEnv.Description, Warning,
			"Sensitive data should not be passed in ARG or ENV instructions.",
			"ARG and ENV values are kept in the image history and metadata; use `RUN --mount=type=secret`.",
			"FROM alpine:3.20\nARG GITHUB_TOKEN\n", "FROM alpine:3.20\nARG GITHUB_URL=https://github.com\n"),
		buildkitRule(linter.RuleInvalidDefaultArgInFrom.Name, linter.RuleInvalidDefaultArgInFrom.URL, linter.RuleInvalidDefaultArgInFrom.Description, Warning,
			"The default of a global ARG gives an empty or invalid base image name.",
			"Without `--build-arg` the FROM line expands to an invalid reference and the build fails.",
			"ARG TAG\nFROM alpine:${TAG}\n", "ARG TAG=3.20\nFROM alpine:${TAG}\n"),
		buildkitRule(linter.RuleFromPlatformFlagConstDisallowed.Name, linter.RuleFromPlatformFlagConstDisallowed.URL, linter.RuleFromPlatformFlagConstDisallowed.Description, Warning,
			"FROM --platform should not use a constant value.",
			"A constant platform breaks multi-platform builds; use `$BUILDPLATFORM` or `$TARGETPLATFORM`.",
			"FROM --platform=linux/amd64 alpine:3.20 AS build\n", "FROM --platform=$BUILDPLATFORM alpine:3.20 AS build\n", "DL3029"),
		buildkitRule(linter.RuleCopyIgnoredFile.Name, linter.RuleCopyIgnoredFile.URL, linter.RuleCopyIgnoredFile.Description, Warning,
			"COPY or ADD of a file that .dockerignore excludes.",
			"The file is not in the build context, so the copy fails or copies nothing. BuildKit judges this "+
				"against the build context's `.dockerignore`; `crank-gate lint` reads Dockerfiles without a build "+
				"context, so it never reports this check (run `docker build --check` for it).",
			"FROM alpine:3.20\nCOPY secret.env /app/\n", "FROM alpine:3.20\nCOPY app.conf /app/\n"),
		buildkitRule(linter.RuleInvalidDefinitionDescription.Name, linter.RuleInvalidDefinitionDescription.URL, linter.RuleInvalidDefinitionDescription.Description, Style,
			"A comment above a stage or ARG should start with its name (experimental; opt in with check=).",
			"BuildKit reads `# <name> <description>` above a FROM or ARG as its documentation. Experimental in "+
				"BuildKit: it runs only with `# check=experimental=InvalidDefinitionDescription` (or `all`).",
			"# check=experimental=InvalidDefinitionDescription\n# build the app\nFROM alpine:3.20 AS builder\n",
			"# check=experimental=InvalidDefinitionDescription\n# builder compiles the app\nFROM alpine:3.20 AS builder\n"),
		buildkitRule(linter.RuleExposeProtoCasing.Name, linter.RuleExposeProtoCasing.URL, linter.RuleExposeProtoCasing.Description, Style,
			"The protocol in EXPOSE should be lowercase.",
			"`EXPOSE 80/TCP` works today, but the protocol is defined in lower case.",
			"FROM alpine:3.20\nEXPOSE 80/TCP\n", "FROM alpine:3.20\nEXPOSE 80/tcp\n"),
		buildkitRule(linter.RuleExposeInvalidFormat.Name, linter.RuleExposeInvalidFormat.URL, linter.RuleExposeInvalidFormat.Description, Warning,
			"EXPOSE should not define an IP address or a host port.",
			"EXPOSE documents the container port; host IPs and ports belong to `docker run -p`.",
			"FROM alpine:3.20\nEXPOSE 127.0.0.1:8080:80\n", "FROM alpine:3.20\nEXPOSE 80\n"),
	}
}

// WithoutBuildKit is the catalogue less BuildKit's own checks: what lint
// runs with them off, for measuring what they cost.
func WithoutBuildKit() []Rule {
	var out []Rule
	for _, r := range All() {
		if !IsBuildKitRule(r) {
			out = append(out, r)
		}
	}
	return out
}

// IsBuildKitRule reports whether r is one of BuildKit's own checks.
func IsBuildKitRule(r Rule) bool {
	return r.Builtin && len(r.Equivalents.BuildKit) == 1 && r.Equivalents.BuildKit[0] == r.ID
}
