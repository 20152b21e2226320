// Package buildkitlint runs BuildKit's own Dockerfile checks, the ones
// behind `docker build --check`, through BuildKit's packages: the
// Dockerfile frontend's conversion (dockerfile2llb) with a warning hook,
// exactly as its DockerfileLint entry point does, but offline.
//
// BuildKit resolves base images while it converts; the gate never
// downloads, so a resolver answers every image with an empty config. The
// checks that need an image's real metadata (InvalidBaseImagePlatform, and
// UndefinedVar for variables a base image defines) therefore cannot be
// judged here; Lint reports which stages those are so the caller can drop
// what it cannot know. CopyIgnoredFile needs the build context's
// .dockerignore, which a Dockerfile linter does not have.
package buildkitlint

import (
	"context"
	"strings"

	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
)

// Warning is one BuildKit check result.
type Warning struct {
	// Rule is BuildKit's rule name ("StageNameCasing").
	Rule    string
	Message string
	URL     string
	// Line and EndLine are 1-based; 0 when BuildKit gave no location.
	Line, EndLine int
}

// Options are the build parameters BuildKit lints with.
type Options struct {
	// Target is the --target stage; empty lints every stage, as
	// DockerfileLint does.
	Target    string
	BuildArgs map[string]string
}

// Result is what one run found.
type Result struct {
	Warnings []Warning
	// ErrorOnWarning is the file's "# check=error=true": BuildKit fails the
	// build when any check reports.
	ErrorOnWarning bool
	// Err is the conversion error BuildKit stopped at, if any (checks after
	// that point did not run, as with docker build --check).
	Err error
}

// Lint runs BuildKit's checks on src. The file's "# check=" directive is
// honoured by BuildKit itself: skip=, experimental= and error=.
func Lint(ctx context.Context, src []byte, opt Options) Result {
	var res Result
	if dir, _, _, ok := parser.ParseDirective("check", src); ok {
		if cfg, err := linter.ParseLintOptions(dir); err == nil {
			res.ErrorOnWarning = cfg.ReturnAsError
		}
	}
	conv := dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{Target: opt.Target, BuildArgs: opt.BuildArgs},
		AllStages:    opt.Target == "",
		MetaResolver: offlineResolver{},
		Warn: func(rule, _, url, msg string, loc []parser.Range) {
			w := Warning{Rule: rule, Message: msg, URL: url}
			if len(loc) > 0 {
				w.Line, w.EndLine = loc[0].Start.Line, loc[len(loc)-1].End.Line
			}
			res.Warnings = append(res.Warnings, w)
		},
	}
	if _, err := dockerfile2llb.Dockerfile2Outline(ctx, src, conv); err != nil {
		// check=error=true surfaces as an error after every warning was
		// delivered; anything else is a conversion error crank-gate
		// reports itself (CG0000).
		res.Err = err
	}
	return res
}

// offlineResolver answers every base image with an empty image config:
// BuildKit then treats it like scratch and carries on, without a network
// round trip.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	return ref, "", []byte("{}"), nil
}

// Check describes one BuildKit rule.
type Check struct {
	Name, Description, URL string
	Experimental           bool
}

// Checks are BuildKit's rules that can be judged from a Dockerfile alone,
// in BuildKit's order (linter/ruleset.go). InvalidBaseImagePlatform needs
// the real base image and is left out.
func Checks() []Check {
	c := func(name, desc, url string, exp bool) Check { return Check{name, desc, url, exp} }
	return []Check{
		c(linter.RuleStageNameCasing.Name, linter.RuleStageNameCasing.Description, linter.RuleStageNameCasing.URL, linter.RuleStageNameCasing.Experimental),
		c(linter.RuleFromAsCasing.Name, linter.RuleFromAsCasing.Description, linter.RuleFromAsCasing.URL, linter.RuleFromAsCasing.Experimental),
		c(linter.RuleNoEmptyContinuation.Name, linter.RuleNoEmptyContinuation.Description, linter.RuleNoEmptyContinuation.URL, linter.RuleNoEmptyContinuation.Experimental),
		c(linter.RuleConsistentInstructionCasing.Name, linter.RuleConsistentInstructionCasing.Description, linter.RuleConsistentInstructionCasing.URL, linter.RuleConsistentInstructionCasing.Experimental),
		c(linter.RuleDuplicateStageName.Name, linter.RuleDuplicateStageName.Description, linter.RuleDuplicateStageName.URL, linter.RuleDuplicateStageName.Experimental),
		c(linter.RuleReservedStageName.Name, linter.RuleReservedStageName.Description, linter.RuleReservedStageName.URL, linter.RuleReservedStageName.Experimental),
		c(linter.RuleJSONArgsRecommended.Name, linter.RuleJSONArgsRecommended.Description, linter.RuleJSONArgsRecommended.URL, linter.RuleJSONArgsRecommended.Experimental),
		c(linter.RuleMaintainerDeprecated.Name, linter.RuleMaintainerDeprecated.Description, linter.RuleMaintainerDeprecated.URL, linter.RuleMaintainerDeprecated.Experimental),
		c(linter.RuleUndefinedArgInFrom.Name, linter.RuleUndefinedArgInFrom.Description, linter.RuleUndefinedArgInFrom.URL, linter.RuleUndefinedArgInFrom.Experimental),
		c(linter.RuleWorkdirRelativePath.Name, linter.RuleWorkdirRelativePath.Description, linter.RuleWorkdirRelativePath.URL, linter.RuleWorkdirRelativePath.Experimental),
		c(linter.RuleUndefinedVar.Name, linter.RuleUndefinedVar.Description, linter.RuleUndefinedVar.URL, linter.RuleUndefinedVar.Experimental),
		c(linter.RuleMultipleInstructionsDisallowed.Name, linter.RuleMultipleInstructionsDisallowed.Description, linter.RuleMultipleInstructionsDisallowed.URL, linter.RuleMultipleInstructionsDisallowed.Experimental),
		c(linter.RuleLegacyKeyValueFormat.Name, linter.RuleLegacyKeyValueFormat.Description, linter.RuleLegacyKeyValueFormat.URL, linter.RuleLegacyKeyValueFormat.Experimental),
		c(linter.RuleRedundantTargetPlatform.Name, linter.RuleRedundantTargetPlatform.Description, linter.RuleRedundantTargetPlatform.URL, linter.RuleRedundantTargetPlatform.Experimental),
		c(linter.RuleSecretsUsedInArgOrEnv.Name, linter.RuleSecretsUsedInArgOrEnv.Description, linter.RuleSecretsUsedInArgOrEnv.URL, linter.RuleSecretsUsedInArgOrEnv.Experimental),
		c(linter.RuleInvalidDefaultArgInFrom.Name, linter.RuleInvalidDefaultArgInFrom.Description, linter.RuleInvalidDefaultArgInFrom.URL, linter.RuleInvalidDefaultArgInFrom.Experimental),
		c(linter.RuleFromPlatformFlagConstDisallowed.Name, linter.RuleFromPlatformFlagConstDisallowed.Description, linter.RuleFromPlatformFlagConstDisallowed.URL, linter.RuleFromPlatformFlagConstDisallowed.Experimental),
		c(linter.RuleCopyIgnoredFile.Name, linter.RuleCopyIgnoredFile.Description, linter.RuleCopyIgnoredFile.URL, linter.RuleCopyIgnoredFile.Experimental),
		c(linter.RuleInvalidDefinitionDescription.Name, linter.RuleInvalidDefinitionDescription.Description, linter.RuleInvalidDefinitionDescription.URL, linter.RuleInvalidDefinitionDescription.Experimental),
		c(linter.RuleExposeProtoCasing.Name, linter.RuleExposeProtoCasing.Description, linter.RuleExposeProtoCasing.URL, linter.RuleExposeProtoCasing.Experimental),
		c(linter.RuleExposeInvalidFormat.Name, linter.RuleExposeInvalidFormat.Description, linter.RuleExposeInvalidFormat.URL, linter.RuleExposeInvalidFormat.Experimental),
	}
}

// IsCheck reports whether name is one of Checks (case-insensitive).
func IsCheck(name string) bool {
	for _, c := range Checks() {
		if strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}
