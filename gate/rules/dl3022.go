package rules

import (
	"strconv"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3022: COPY --from naming no earlier stage.
var DL3022 = Rule{
	ID:       "DL3022",
	Name:     "copy-from-alias",
	Severity: Warning,
	Summary:  "COPY --from should reference a previously defined FROM alias.",
	Why: "`COPY --from=name` looks for an earlier stage called `name` and, when there is none, silently pulls " +
		"an image of that name from a registry instead: a typo or a renamed stage turns into copying from " +
		"whatever `docker.io/library/name:latest` is. Name an earlier stage, or write a full image reference " +
		"with a tag.",
	Bad:  "FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=biuld /app /app\n",
	Good: "FROM golang:1.23 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n",
	Differences: "hadolint (DL3022.hs) accepts a `--from` value that contains `:` (an image), is the alias of a " +
		"stage defined so far, or is a number below the count of FROMs so far; anything else fires, " +
		"including an image without a tag (`--from=org/tool`). crank expands the value first (skipped " +
		"when a variable has no known value), accepts any explicit image reference (with a registry, a " +
		"path, a tag or a digest), and requires a stage index to be that of an earlier stage; a bare " +
		"name that is neither an earlier stage nor tagged fires. A stage's own name is DL3023. `compat: " +
		"hadolint` applies hadolint's test to the value as written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3022"}},
	Check:       checkDL3022,
}

func checkDL3022(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindCopy) {
		if ctx.Compat() {
			// hadolint (DL3022.hs) accepts a value with ":" (an image),
			// the alias of a stage defined so far (its own included) or
			// a number below the count of FROMs so far, all as written.
			if from, ok := in.Flag("from"); ok && !hadolintCopySourceKnown(ctx, in.Stage, from) {
				ctx.Report(in, "COPY --from=%s names no earlier stage and would pull an image of that name; use a stage defined above or a tagged image reference", from)
			}
			continue
		}
		from, ok := copyFrom(ctx, in)
		if !ok || strings.ContainsAny(from, "/:@") {
			continue
		}
		// A COPY before any FROM (already a CG0000 error) has no stage to
		// name: like hadolint, report its --from too.
		if in.Stage != nil && (earlierStage(ctx, in.Stage, from) != nil || isOwnStage(in.Stage, from)) {
			continue
		}
		ctx.Report(in, "COPY --from=%s names no earlier stage and would pull an image of that name; use a stage defined above or a tagged image reference", from)
	}
}

// copyFrom returns the ARG-expanded --from of a COPY; ok is false when
// there is none or it depends on an unknown variable.
func copyFrom(ctx *Context, in *dockerfile.Instruction) (string, bool) {
	raw, ok := in.Flag("from")
	if !ok {
		return "", false
	}
	v, known := ctx.Expand(in, raw)
	return v, known && v != ""
}

// earlierStage finds the stage named (or numbered) ref before s.
func earlierStage(ctx *Context, s *dockerfile.Stage, ref string) *dockerfile.Stage {
	for i := s.Index - 1; i >= 0; i-- {
		if st := ctx.File.Stages[i]; st.Name != "" && strings.EqualFold(st.Name, ref) {
			return st
		}
	}
	if n, ok := dockerfile.StageIndex(ref); ok && n < s.Index {
		return ctx.File.Stages[n]
	}
	return nil
}

func isOwnStage(s *dockerfile.Stage, ref string) bool {
	if s.Name != "" && strings.EqualFold(s.Name, ref) {
		return true
	}
	n, ok := dockerfile.StageIndex(ref)
	return ok && n == s.Index
}

// hadolintCopySourceKnown is hadolint's DL3022 test of a --from value.
func hadolintCopySourceKnown(ctx *Context, s *dockerfile.Stage, from string) bool {
	if strings.Contains(strings.Trim(from, `"'`), ":") {
		return true
	}
	if s == nil {
		return false
	}
	for i := s.Index; i >= 0; i-- {
		if st := ctx.File.Stages[i]; st.Name != "" && strings.EqualFold(st.Name, from) {
			return true
		}
	}
	// Data.Text.Read.decimal reads the leading digits.
	digits := len(from) - len(strings.TrimLeft(from, "0123456789"))
	n, err := strconv.Atoi(from[:digits])
	return err == nil && n <= s.Index
}
