package rules

import (
	"sort"
	"strings"
)

// All is the catalogue, in id order. Adding a rule means adding its
// variable to one of the family lists below (catalogue_*.go); there is no
// init() registration, so these lists are the single place to see what
// crank-gate checks. They are split per family only so that several people
// can add rules at once without editing the same lines.
func All() []Rule {
	all := []Rule{
		// Engine-reported rules.
		CG0000,
		CG0001,
		CG0002,
	}
	all = append(all, BuildKitRules()...)
	all = append(all, crankRules()...)
	all = append(all, hadolintRulesA()...)
	all = append(all, hadolintRulesB()...)
	all = append(all, hadolintRulesC()...)
	all = append(all, hadolintRulesD()...)
	sort.SliceStable(all, func(i, j int) bool { return sortKey(all[i].ID) < sortKey(all[j].ID) })
	return all
}

// ByID finds a rule (case-insensitive); ok is false for unknown ids.
func ByID(id string) (Rule, bool) {
	for _, r := range All() {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return Rule{}, false
}

// sortKey orders the catalogue: CG, then DL, then BuildKit's checks by name.
func sortKey(id string) string {
	switch {
	case strings.HasPrefix(id, "CG") && len(id) == 6:
		return "0" + id
	case strings.HasPrefix(id, "DL") && len(id) == 6:
		return "1" + id
	}
	return "2" + id
}
