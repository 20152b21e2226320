package image

import (
	"fmt"
	"sort"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI2005: package-manager caches left in layers.
var CGI2005 = Rule{
	ID:       "CGI2005",
	Name:     "image-package-cache",
	Severity: findings.Warning,
	Summary:  "Layers should not keep package-manager caches (apt, apk, pip, npm, yum/dnf).",
	Why: "Downloaded packages and index files are only needed while installing. Left in a layer they " +
		"add megabytes to every pull and a stale package index; removed in a later layer they still ship. " +
		"Clean in the same RUN (`apt-get install ... && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, " +
		"`pip install --no-cache-dir`, `npm ci && npm cache clean --force`) or use a cache mount " +
		"(`RUN --mount=type=cache,target=/var/cache/apt`). One finding per cache and layer.",
	Equivalents: findings.Equivalents{Hadolint: []string{"DL3009", "DL3019", "DL3042"}},
	Visit:       visitCGI2005,
	Finish:      finishCGI2005,
}

type packageCache struct {
	name   string
	match  func(p string) bool
	remedy string
}

var packageCaches = []packageCache{
	{"apt package archives (/var/cache/apt/archives)", func(p string) bool {
		return strings.HasPrefix(p, "/var/cache/apt/archives/") && strings.HasSuffix(p, ".deb")
	}, "apt-get clean in the same RUN"},
	{"apt package lists (/var/lib/apt/lists)", func(p string) bool {
		return strings.HasPrefix(p, "/var/lib/apt/lists/") && !strings.HasSuffix(p, "/lock") && !strings.Contains(p, "/partial")
	}, "rm -rf /var/lib/apt/lists/* in the same RUN"},
	{"apk cache (/var/cache/apk)", func(p string) bool { return strings.HasPrefix(p, "/var/cache/apk/") }, "apk add --no-cache"},
	{"pip cache (/root/.cache/pip)", func(p string) bool { return strings.HasPrefix(p, "/root/.cache/pip/") }, "pip install --no-cache-dir"},
	{"npm cache (/root/.npm)", func(p string) bool { return strings.HasPrefix(p, "/root/.npm/_cacache/") }, "npm cache clean --force in the same RUN"},
	{"yum/dnf cache", func(p string) bool {
		return strings.HasPrefix(p, "/var/cache/yum/") || strings.HasPrefix(p, "/var/cache/dnf/")
	}, "yum clean all / dnf clean all in the same RUN"},
}

type cacheGroup struct {
	cache   int
	layer   int
	files   []cacheFile
	example string
}

type cacheFile struct {
	path   string
	serial int
	size   int64
}

type cacheState struct{ groups map[[2]int]*cacheGroup }

func visitCGI2005(s *Scan, e *Entry) {
	if !e.IsRegular() {
		return
	}
	for i, c := range packageCaches {
		if !c.match(e.Path) {
			continue
		}
		st := state[cacheState](s, "CGI2005")
		if st.groups == nil {
			st.groups = map[[2]int]*cacheGroup{}
		}
		g := st.groups[[2]int{i, e.Layer}]
		if g == nil {
			g = &cacheGroup{cache: i, layer: e.Layer, example: e.Path}
			st.groups[[2]int{i, e.Layer}] = g
		}
		g.files = append(g.files, cacheFile{e.Path, e.serial, e.Header.Size})
		return
	}
}

func finishCGI2005(s *Scan) {
	st := state[cacheState](s, "CGI2005")
	groups := make([]*cacheGroup, 0, len(st.groups))
	for _, g := range st.groups {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool {
		if groups[i].layer != groups[j].layer {
			return groups[i].layer < groups[j].layer
		}
		return groups[i].cache < groups[j].cache
	})
	for _, g := range groups {
		var size int64
		alive := 0
		for _, f := range g.files {
			size += f.size
			if s.FS.Survives(f.path, f.serial) {
				alive++
			}
		}
		c := packageCaches[g.cache]
		msg := fmt.Sprintf("Layer %d still holds %d files (%s) of the %s, e.g. %s; %s", g.layer+1, alive, humanBytes(size), c.name, g.example, c.remedy)
		if alive == 0 {
			msg = fmt.Sprintf("The %s (%d files, %s) was added in layer %d and deleted later: still in the image history, so every pull downloads it; %s", c.name, len(g.files), humanBytes(size), g.layer+1, c.remedy)
		}
		s.Report(Anchor{Kind: AnchorLayer, Layer: g.layer}, "cache:"+c.name, "%s", msg)
	}
}
