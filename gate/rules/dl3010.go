package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3010: COPY an archive, then extract it in a RUN.
var DL3010 = Rule{
	ID:       "DL3010",
	Name:     "add-for-archives",
	Severity: Info,
	Summary:  "Use ADD for extracting archives into an image.",
	Why: "COPY of a tarball followed by `RUN tar -x` stores the archive in one layer and its contents in " +
		"another, so the image carries both. `ADD app.tar.gz /opt/` extracts a local tar archive (plain, " +
		"gzip, bzip2, xz or zstd) in one step and one layer.",
	Bad:  "FROM debian:12.7-slim\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n",
	Good: "FROM debian:12.7-slim\nADD app.tar.gz /opt/\n",
	Differences: "Like hadolint, fires on the COPY of a local archive (its source name, or the target name when " +
		"the target is an archive file) when a later RUN of the same stage extracts it, Windows paths included. " +
		"Unlike hadolint, only tar extraction counts (`tar xf` without a dash too): zip files and single " +
		"compressed files (`unzip`, `gunzip`) are not tar archives, ADD would copy them unextracted, so the advice " +
		"would be wrong. " + imageLayersDifference + " `compat: hadolint` checks every stage; the tar-only " +
		"matching stays, because following the advice for a zip breaks the build.",
	Equivalents: Equivalents{Hadolint: []string{"DL3010"}},
	Check:       checkDL3010,
}

func checkDL3010(ctx *Context) {
	for _, s := range ctx.ImageStages() {
		copied := map[string]*dockerfile.Instruction{}
		for _, in := range s.Instructions {
			switch in.Kind {
			case dockerfile.KindCopy:
				if _, from := in.Flag("from"); from || len(in.Expanded) < 2 {
					continue
				}
				// "COPY a.tar /x/b.tar" stores b.tar: the target names the
				// archive; otherwise each source keeps its name.
				// The raw words count too: with the default escape token
				// Docker reads "build\\app.tar" as "buildapp.tar", but a
				// Windows Dockerfile means the path (hadolint matches it).
				for _, words := range [][]string{in.Expanded, in.Args} {
					if len(words) != len(in.Expanded) {
						continue
					}
					if dst := strings.Trim(words[len(words)-1], `"'`); isTarArchive(dst) {
						copied[archiveBase(dst)] = in
						continue
					}
					for _, src := range words[:len(words)-1] {
						if src = strings.Trim(src, `"'`); isTarArchive(src) && !strings.ContainsAny(src, "*?[$") {
							copied[archiveBase(src)] = in
						}
					}
				}
			case dockerfile.KindRun:
				for _, cmd := range ctx.RunCommands(in) {
					c := ctx.Unwrap(cmd)
					if c.Name() != "tar" || !tarExtracts(c) {
						continue
					}
					for _, w := range c.Args[1:] {
						if cp := copied[archiveBase(w.Value)]; cp != nil && isTarArchive(w.Value) {
							ctx.Report(cp, "%s is copied and then extracted by tar; use ADD to extract it in one layer", archiveBase(w.Value))
							delete(copied, archiveBase(w.Value))
						}
					}
				}
			}
		}
	}
}

// archiveBase is the file name of a path, with / or (Windows images) \\
// as separators.
func archiveBase(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// tarArchiveSuffixes are the local archives ADD extracts (tar, optionally
// compressed with gzip, bzip2, xz or zstd).
var tarArchiveSuffixes = []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".tzst"}

func isTarArchive(name string) bool {
	name = strings.ToLower(name)
	for _, s := range tarArchiveSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// tarExtracts recognises "tar -xzf", "tar xzf", "tar --extract" and
// "tar -C dir -xf".
func tarExtracts(c *dockerfile.SimpleCommand) bool {
	if len(c.Args) > 1 {
		if first := c.Args[1].Value; !strings.HasPrefix(first, "-") && strings.Contains(first, "x") {
			return true
		}
	}
	return cliHasOption(c, "CfT", "x", "--extract", "--get")
}
