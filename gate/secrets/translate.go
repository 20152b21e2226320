package secrets

import (
	"runtime"
	"sort"
	"sync"

	"github.com/zricethezav/gitleaks/v8/config"
)

// translate is gitleaks' ViperConfig.Translate with the rules split over
// the cores. Translate compiles every rule's pattern and builds every
// allowlist (generic-api-key's 1,500 stop words become a trie): about 40 ms
// of one core for the default rules, which every image scan waits for
// before its first file. The rules do not depend on each other unless
// one requires another, so each part is translated by gitleaks itself and
// the parts are merged; a config where parts could interact (required
// rules, allowlists aimed at rules, extended configs, a rule ID given
// twice) is translated whole, as are configs on one core.
func translate(vc config.ViperConfig) (config.Config, error) {
	n := runtime.GOMAXPROCS(0)
	if n < 2 || len(vc.Rules) < 2*n || !splittable(vc) {
		return vc.Translate()
	}
	// Longest part first onto the lightest core: a rule weighs the text
	// its translation compiles, stop words (a trie) more per byte.
	idx := make([]int, len(vc.Rules))
	weight := make([]int, len(vc.Rules))
	for i, r := range vc.Rules {
		idx[i] = i
		weight[i] = len(r.Regex) + len(r.Path)
		for _, a := range r.Allowlists {
			for _, ss := range [][]string{a.Regexes, a.Paths, a.Commits} {
				for _, s := range ss {
					weight[i] += len(s)
				}
			}
			for _, s := range a.StopWords {
				weight[i] += 3 * len(s)
			}
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return weight[idx[a]] > weight[idx[b]] })
	parts := make([]config.ViperConfig, n)
	load := make([]int, n)
	for p := range parts {
		parts[p] = vc
		parts[p].Rules = vc.Rules[:0:0]
		if p > 0 {
			parts[p].AllowList, parts[p].Allowlists = nil, nil
		}
	}
	load[0] = 2000 // the global allowlists
	for _, i := range idx {
		p := 0
		for q := range load {
			if load[q] < load[p] {
				p = q
			}
		}
		parts[p].Rules = append(parts[p].Rules, vc.Rules[i])
		load[p] += weight[i]
	}
	out := make([]config.Config, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { out[p], errs[p] = parts[p].Translate() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			// Translate whole for gitleaks' own error.
			return vc.Translate()
		}
	}
	c := out[0]
	for _, o := range out[1:] {
		for id, r := range o.Rules {
			c.Rules[id] = r
		}
		for k := range o.Keywords {
			c.Keywords[k] = struct{}{}
		}
	}
	c.OrderedRules = c.OrderedRules[:0]
	for _, r := range vc.Rules {
		c.OrderedRules = append(c.OrderedRules, r.ID)
	}
	return c, nil
}

// splittable reports whether vc's rules translate independently.
func splittable(vc config.ViperConfig) bool {
	if vc.Extend.Path != "" || vc.Extend.URL != "" || vc.Extend.UseDefault {
		return false
	}
	if vc.AllowList != nil && len(vc.AllowList.TargetRules) > 0 {
		return false
	}
	for _, a := range vc.Allowlists {
		if len(a.TargetRules) > 0 {
			return false
		}
	}
	ids := map[string]bool{}
	for _, r := range vc.Rules {
		if len(r.Required) > 0 || ids[r.ID] {
			return false
		}
		ids[r.ID] = true
	}
	return true
}
