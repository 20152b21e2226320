package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3020: ADD for plain files and folders.
var DL3020 = Rule{
	ID:       "DL3020",
	Name:     "copy-not-add",
	Severity: Error,
	Summary:  "Use COPY instead of ADD for files and folders.",
	Why: "ADD does more than copy: it extracts local tar archives and fetches URLs. Using it for plain files " +
		"hides which of those a line relies on, and a file that happens to be a tarball is unpacked by " +
		"surprise. Keep ADD for archives to extract and remote sources; use COPY for everything else.",
	Bad:  "FROM debian:12.7-slim\nADD app.conf /etc/app/\n",
	Good: "FROM debian:12.7-slim\nCOPY app.conf /etc/app/\n",
	Differences: "As in hadolint, ADD of a URL, a tar archive or a compressed file (`.gz`, `.bz2`, `.xz`, `.Z`, " +
		"`.lz`, ...; ADD decides by content whether to extract it) is fine, and a zip fires. " +
		"Sources are ARG-expanded first and skipped when a variable has no known value; git sources " +
		"(`https://host/repo.git`, `git@host:repo`) count as remote, and ADD with a heredoc fires because " +
		"`COPY <<EOF` does the same. " + builtStagesDifference + " `compat: hadolint` checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3020"}, Trivy: []string{"DS005"}, Dockle: []string{"CIS-DI-0009"}},
	Check:       checkDL3020,
}

func checkDL3020(ctx *Context) {
	for in := range ctx.Instructions(dockerfile.KindAdd) {
		if in.Stage == nil || !in.Stage.ReachesTarget && !ctx.Compat() || len(in.Args) < 2 {
			continue
		}
		plain := ""
		for _, raw := range in.Args[:len(in.Args)-1] {
			src, known := ctx.Expand(in, raw)
			if !known {
				plain = ""
				break
			}
			if plain == "" && !isRemoteSource(src) && !addMayExtract(src) {
				plain = src
			}
		}
		if plain != "" {
			ctx.Report(in, "ADD of %s neither fetches a URL nor extracts an archive; use COPY", plain)
		}
	}
}

// compressedSuffixes are hadolint's archive extensions beyond tar's own: ADD
// decides by content whether a compressed file is a tarball to extract, so
// ADD of x.gz may well be deliberate.
var compressedSuffixes = []string{".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz", ".tpz", ".txz", ".xz", ".zst"}

// addMayExtract reports whether ADD might extract src: a tar archive or a
// compressed file. Zip files are never extracted by ADD.
func addMayExtract(src string) bool {
	src = strings.Trim(src, `"'`)
	if isTarArchive(src) {
		return true
	}
	for _, s := range compressedSuffixes {
		if strings.HasSuffix(src, s) {
			return true
		}
	}
	return false
}

func isRemoteSource(src string) bool {
	lower := strings.ToLower(src)
	for _, p := range []string{"http://", "https://", "git@", "git://", "ssh://"} {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	return false
}
