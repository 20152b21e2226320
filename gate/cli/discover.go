package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IsDockerfileName reports whether a directory walk should pick up name:
// Dockerfile, Dockerfile.*, *.Dockerfile, *.dockerfile, Containerfile[.*].
func IsDockerfileName(name string) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".dockerignore") || strings.HasSuffix(lower, ".containerignore") {
		return false
	}
	// The prefix forms are case-sensitive so that Go or Python sources
	// named dockerfile.go or dockerfile.py are not mistaken for Dockerfiles.
	return lower == "dockerfile" || lower == "containerfile" ||
		strings.HasPrefix(name, "Dockerfile.") || strings.HasPrefix(name, "Containerfile.") ||
		strings.HasSuffix(lower, ".dockerfile")
}

// skipDirs are never searched: VCS metadata and dependency trees hold
// Dockerfiles that are not ours to lint.
var skipDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, "node_modules": true, "vendor": true, ".terraform": true}

// discover expands directories into Dockerfile paths (sorted) and keeps
// explicit files as given, whatever their name.
func discover(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == "-" {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != a && skipDirs[d.Name()] {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && IsDockerfileName(d.Name()) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}
