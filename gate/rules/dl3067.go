package rules

import (
	"path"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3067: COPY --from=<stage> / /.
var DL3067 = Rule{
	ID:       "DL3067",
	Name:     "copy-whole-filesystem",
	Severity: Warning,
	Summary:  "Do not copy an entire filesystem from another stage.",
	Why: "`COPY --from=build / /` drops everything the build stage holds onto the image: compilers, package " +
		"caches, source code and any secret a build step left behind, and it undoes the point of a multi-stage " +
		"build. Copy only what the image needs (`COPY --from=build /out/app /usr/local/bin/app`).",
	Bad:  "FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build / /\n",
	Good: "FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /out/app /app\n",
	Differences: "As in hadolint, a COPY with `--from` whose sources include `/` and whose destination is `/` " +
		"fires (quotes removed); copying `/` into a subdirectory, or a directory into `/`, does not. Here the " +
		"paths are ARG-expanded and cleaned first, so `/.`, `//` and `${ROOT}` with `ARG ROOT=/` count as `/`, and " +
		"the JSON form counts too. Every stage is checked, as hadolint does: a stage that copies a whole " +
		"filesystem is a mistake wherever it is. `compat: hadolint` compares the paths as written.",
	Equivalents: Equivalents{Hadolint: []string{"DL3067"}},
	Check:       checkDL3067,
}

func checkDL3067(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindCopy) {
		from, ok := in.Flag("from")
		if !ok || len(in.Args) < 2 {
			continue
		}
		isRoot := func(raw string) bool {
			if ctx.Compat() {
				return strings.Trim(raw, `"'`) == "/"
			}
			v, known := ctx.Expand(in, raw)
			return known && v != "" && path.Clean(v) == "/"
		}
		srcs, dest := in.Args[:len(in.Args)-1], in.Args[len(in.Args)-1]
		if !isRoot(dest) {
			continue
		}
		for _, s := range srcs {
			if isRoot(s) {
				ctx.Report(in, "COPY --from=%s / / copies the whole filesystem of %s into the image; copy only the files the image needs", from, from)
				break
			}
		}
	}
}
