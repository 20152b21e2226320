package image

import (
	"fmt"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Reference renders the check reference of gate/docs/image.md from the
// catalogue; a test keeps the checked-in guide in step with it.
func Reference() string {
	var b strings.Builder
	b.WriteString("| ID | Severity | Kind | Summary |\n|----|----------|------|---------|\n")
	for _, r := range All() {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s | %s |\n", r.ID, lower(r.ID), r.Severity, kind(r), r.Summary)
	}
	for _, r := range All() {
		fmt.Fprintf(&b, "\n### %s\n\n`%s` · %s · %s\n\n%s\n\n%s\n", r.ID, r.Name, r.Severity, kind(r), r.Summary, r.Why)
		if eq := equivalents(r.Equivalents); eq != "" {
			fmt.Fprintf(&b, "\nSame check elsewhere: %s.\n", eq)
		}
	}
	return b.String()
}

func kind(r *Rule) string {
	if r.Config != nil {
		return "configuration"
	}
	return "filesystem"
}

func equivalents(e findings.Equivalents) string {
	var parts []string
	add := func(tool string, ids []string) {
		if len(ids) > 0 {
			parts = append(parts, tool+" "+strings.Join(ids, ", "))
		}
	}
	add("hadolint", e.Hadolint)
	add("Trivy", e.Trivy)
	add("dockle", e.Dockle)
	add("BuildKit", e.BuildKit)
	return strings.Join(parts, "; ")
}
