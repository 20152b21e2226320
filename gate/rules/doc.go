package rules

import (
	"fmt"
	"strings"
)

// Markdown renders a rule's reference page from its fields, so the docs
// and the behaviour (checked by the meta-test on Bad and Good) share one
// source.
func Markdown(r Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: %s\n\n", r.ID, strings.TrimSuffix(r.Summary, "."))
	fmt.Fprintf(&b, "| Severity | Name | Default |\n|---|---|---|\n| %s | `%s` | %s |\n\n", r.Severity, r.Name, EnabledText(r))
	fmt.Fprintf(&b, "## Why\n\n%s\n\n", r.Why)
	if r.Bad != "" {
		fmt.Fprintf(&b, "## Bad\n\n```dockerfile\n%s```\n\n", ensureNL(r.Bad))
	}
	if r.Good != "" {
		fmt.Fprintf(&b, "## Good\n\n```dockerfile\n%s```\n\n", ensureNL(r.Good))
	}
	if r.Differences != "" {
		fmt.Fprintf(&b, "## Differences from other tools\n\n%s\n\n", r.Differences)
	}
	if eq := EquivalentsText(r.Equivalents); eq != "" {
		fmt.Fprintf(&b, "## Equivalent checks\n\n%s\n\n", eq)
	}
	fmt.Fprintf(&b, "## Suppress\n\n```dockerfile\n# crank-gate ignore=%s reason=\"why this is acceptable\"\n```\n", r.ID)
	return b.String()
}

// IndexMarkdown renders the catalogue index.
func IndexMarkdown(rs []Rule) string {
	var b strings.Builder
	b.WriteString("# crank-gate rules\n\nGenerated from `gate/rules` by `go run ./gate/cmd/gendocs`; do not edit.\n\n")
	b.WriteString("| ID | Severity | Default | Summary | Equivalents |\n|---|---|---|---|---|\n")
	for _, r := range rs {
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s | %s |\n", r.ID, r.ID, r.Severity, EnabledText(r), r.Summary, strings.ReplaceAll(EquivalentsText(r.Equivalents), "\n", " "))
	}
	return b.String()
}

// EnabledText says when a rule runs: on, off, when configured, or engine
// (reported by the engine itself), as the docs and `crank-gate rules` show it.
func EnabledText(r Rule) string {
	switch {
	case r.Builtin:
		return "engine"
	case r.OffByDefault && r.EnabledBy != nil:
		return "when configured"
	case r.OffByDefault:
		return "off"
	}
	return "on"
}

// EquivalentsText lists other tools' ids, e.g. "hadolint DL3006; Trivy DS001".
func EquivalentsText(e Equivalents) string {
	var parts []string
	for _, p := range []struct {
		tool string
		ids  []string
	}{{"hadolint", e.Hadolint}, {"Trivy", e.Trivy}, {"Dockle", e.Dockle}, {"BuildKit", e.BuildKit}} {
		if len(p.ids) > 0 {
			parts = append(parts, p.tool+" "+strings.Join(p.ids, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

func ensureNL(s string) string {
	if strings.HasSuffix(s, "\n") {
		return s
	}
	return s + "\n"
}
