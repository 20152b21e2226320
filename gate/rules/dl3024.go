package rules

// DL3024: duplicate stage names.
var DL3024 = Rule{
	ID:       "DL3024",
	Name:     "unique-stage-names",
	Severity: Error,
	Summary:  "FROM aliases (stage names) must be unique.",
	Why: "Stage names are how `COPY --from`, `FROM <stage>` and `--target` find a stage; with two stages of the " +
		"same name BuildKit refuses the file, and older builders silently used the later one. Give every " +
		"stage its own name.",
	Bad:  "FROM golang:1.23 AS build\nFROM node:22.11-slim AS build\n",
	Good: "FROM golang:1.23 AS build-go\nFROM node:22.11-slim AS build-web\n",
	Differences: "hadolint (DL3024.hs) fires on each FROM whose alias an earlier FROM already used. crank " +
		"compares names case-insensitively, as BuildKit does (stage names are case-insensitive there). " +
		"BuildKit's DuplicateStageName reports the same problem; DL3024 wins and it is reported once.",
	Equivalents: Equivalents{Hadolint: []string{"DL3024"}, Trivy: []string{"DS012"}, BuildKit: []string{"DuplicateStageName"}},
	Check:       checkDL3024,
}

func checkDL3024(ctx *Context) {
	seen := map[string]bool{}
	for _, s := range ctx.File.Stages {
		if s.Name == "" {
			continue
		}
		if seen[s.Name] {
			ctx.Report(s.From, "Stage name %q is already used by an earlier stage; give this stage a unique name", s.Name)
		}
		seen[s.Name] = true
	}
}
