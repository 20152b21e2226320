package rules

import (
	"path"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL4007: COPY of the whole build context.
var DL4007 = Rule{
	ID:       "DL4007",
	Name:     "copy-whole-context",
	Severity: Warning,
	Summary:  "Copy only the files the image needs, not the whole build context (COPY . ...).",
	Why: "`COPY . /app` copies everything in the build context that `.dockerignore` does not exclude: the " +
		"`.git` directory (with its history and any credentials in `.git/config`), `.env` files, local " +
		"configuration, test fixtures and build leftovers. Anything copied ships in the layer and stays " +
		"readable there even if a later RUN deletes it. Copy the files and directories the build needs " +
		"(`COPY go.mod go.sum ./`, `COPY src/ ./src/`); if the whole context really is needed, keep a strict " +
		"`.dockerignore` next to the Dockerfile and suppress this finding where it is reviewed.",
	Bad:  "FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n",
	Good: "FROM node:22-slim\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\nCOPY src/ ./src/\n",
	Differences: "As in hadolint, a COPY fires when one of its sources is `.` or `./` (quotes removed); ADD is " +
		"not checked and ONBUILD COPY is not either (hadolint applies the rule to plain COPY only). The " +
		"`.dockerignore` is not read (hadolint does not read it either; `crank-gate lint` sees no build context), " +
		"so a curated context needs a suppression. Here sources are ARG-expanded and cleaned (`$SRC` with " +
		"`ARG SRC=.`, `./.` count), `COPY --from=<stage or image> . .` does not fire because it copies out of " +
		"another image, not the build context, and only stages that take part in building the target are " +
		"checked. `compat: hadolint` restores hadolint's matching: every stage, `--from` included, sources as " +
		"written. No BuildKit check or CG rule says the same; secrets that did reach an image are found by " +
		"the image checks (CGI2003).",
	Equivalents: Equivalents{Hadolint: []string{"DL4007"}},
	Check:       checkDL4007,
}

func checkDL4007(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindCopy) {
		if in.Stage == nil || len(in.Args) < 2 {
			continue
		}
		compat := ctx.Compat()
		if !compat {
			if _, from := in.Flag("from"); from || !in.Stage.ReachesTarget {
				continue
			}
		}
		for i := range len(in.Args) - 1 {
			if compat {
				src := strings.Trim(strings.Trim(in.Args[i], `'`), `"`)
				if src == "." || src == "./" {
					ctx.Report(in, "COPY %s copies the whole build context, which can leak .git, .env and local configs into the image; copy only the files the image needs", in.Args[i])
					break
				}
				continue
			}
			raw, src := in.Args[i], in.Expanded[i]
			if strings.Contains(raw, "$") && src == "" {
				continue
			}
			if path.Clean(strings.Trim(src, `"'`)) == "." {
				ctx.Report(in, "COPY %s copies the whole build context, which can leak .git, .env and local configs into the image; copy only the files the image needs", raw)
				break
			}
		}
	}
}
