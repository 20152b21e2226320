package rules

import (
	"path"
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
	Differences: "Fires on the COPY of a local tar archive only when a later RUN of the same stage extracts that " +
		"archive with tar; zip files and single compressed files are not tar archives, so ADD would not " +
		"extract them and they never fire. " + imageLayersDifference,
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
				for _, src := range in.Expanded[:len(in.Expanded)-1] {
					if isTarArchive(src) && !strings.ContainsAny(src, "*?[$") {
						copied[path.Base(src)] = in
					}
				}
			case dockerfile.KindRun:
				for _, cmd := range in.Commands() {
					c := cmd.Unwrap()
					if c.Name() != "tar" || !tarExtracts(c) {
						continue
					}
					for _, w := range c.Args[1:] {
						if cp := copied[path.Base(w.Value)]; cp != nil && isTarArchive(w.Value) {
							ctx.Report(cp, "%s is copied and then extracted by tar; use ADD to extract it in one layer", path.Base(w.Value))
							delete(copied, path.Base(w.Value))
						}
					}
				}
			}
		}
	}
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
