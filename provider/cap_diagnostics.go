package provider

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/crank-platform/terraform-provider-crank/cap"
)

// capDiagSummaries titles each cap diagnostic code; the detail is cap's own
// message, which already says what is wrong and how to fix it.
var capDiagSummaries = map[string]string{
	cap.CodeInvalidValue:        "Invalid capability policy value",
	cap.CodeUnknownService:      "Unknown service",
	cap.CodeUnknownCapability:   "Unknown capability",
	cap.CodeInvalidSPIFFEID:     "Invalid SPIFFE ID",
	cap.CodeTrustDomainMismatch: "Trust domain mismatch",
	cap.CodeUnresolvedRuleID:    "Unresolved rule ID",
	cap.CodeRateLimitOnDeny:     "Rate limit on a deny rule",
	cap.CodeDuplicateID:         "Duplicate ID",
	cap.CodeConflictingRoutes:   "Conflicting capability routes",

	cap.CodeShadowedAllow:         "Allow rule shadowed by a deny rule",
	cap.CodeRedundantAllow:        "Redundant allow rule",
	cap.CodePartialOverlap:        "Allow and deny rules partly overlap",
	cap.CodeBroadGrant:            "Broad grant",
	cap.CodeUnreachableCapability: "Unreachable capability",
	cap.CodeDefaultAllow:          "Default action is allow",
}

// capPathMapper turns cap's bundle-term paths (`rules["gw"].callers[0].spiffe_id`)
// into attribute paths of the resource that holds the configuration.
type capPathMapper interface {
	attributePath(capPath string) path.Path
}

// capDiagnostic converts one cap finding into a framework diagnostic on the
// attribute it is about; the code stays visible so it can be searched in docs.
func capDiagnostic(d cap.Diagnostic, mapper capPathMapper) diag.Diagnostic {
	summary := capDiagSummaries[d.Code]
	if summary == "" {
		summary = "Capability policy problem"
	}
	detail := fmt.Sprintf("%s [%s]", d.Message, d.Code)
	if d.Path != "" {
		detail += fmt.Sprintf(" (at %s)", d.Path)
	}
	at := mapper.attributePath(d.Path)
	if d.Severity == cap.SeverityError {
		return diag.NewAttributeErrorDiagnostic(at, summary, detail)
	}
	return diag.NewAttributeWarningDiagnostic(at, summary, detail)
}

func capDiagnostics(ds cap.Diagnostics, mapper capPathMapper) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range ds {
		out.Append(capDiagnostic(d, mapper))
	}
	return out
}

// capPathStep is one step of a cap path: a name, optionally followed by a
// key (`["gw"]`) or an index (`[0]`).
type capPathStep struct {
	name     string
	key      string
	index    int
	hasKey   bool
	hasIndex bool
}

// parseCapPath reads the small path grammar cap.Analyze writes. It
// returns false for anything else so callers fall back to the resource.
func parseCapPath(p string) ([]capPathStep, bool) {
	var steps []capPathStep
	for p != "" {
		end := strings.IndexAny(p, ".[")
		if end < 0 {
			end = len(p)
		}
		step := capPathStep{name: p[:end]}
		if step.name == "" {
			return nil, false
		}
		p = p[end:]
		for strings.HasPrefix(p, "[") {
			switch {
			case strings.HasPrefix(p, `["`):
				quoted, err := strconv.QuotedPrefix(p[1:])
				if err != nil || !strings.HasPrefix(p[1+len(quoted):], "]") {
					return nil, false
				}
				step.key, _ = strconv.Unquote(quoted)
				step.hasKey = true
				p = p[1+len(quoted)+1:]
			default:
				closing := strings.IndexByte(p, ']')
				n, err := strconv.Atoi(p[1:max(closing, 1)])
				if closing < 0 || err != nil {
					return nil, false
				}
				step.index, step.hasIndex = n, true
				p = p[closing+1:]
			}
		}
		steps = append(steps, step)
		if strings.HasPrefix(p, ".") {
			p = p[1:]
			if p == "" {
				return nil, false
			}
		} else if p != "" {
			return nil, false
		}
	}
	return steps, len(steps) > 0
}

// capCallerOrder maps the caller positions cap reports (it analyses the
// normalized policy, whose callers are sorted) back to configuration order.
func capCallerOrder(callers []cap.Caller) []int {
	order := make([]int, len(callers))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(callers[a].String(), callers[b].String()) })
	return order
}

// appendCapSteps appends the remaining steps of a cap path below a rule or
// capability object, translating caller positions.
func appendCapSteps(base path.Path, steps []capPathStep, callerOrder []int) path.Path {
	for _, s := range steps {
		base = base.AtName(s.name)
		if s.hasIndex {
			i := s.index
			if s.name == "callers" && i < len(callerOrder) {
				i = callerOrder[i]
			}
			base = base.AtListIndex(i)
		}
	}
	return base
}
