package provider

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// parseDuration accepts Go durations ("720h", "1h30m") plus whole days ("90d"),
// which is how people talk about certificate lifetimes.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "d") {
		n, err := strconv.ParseInt(strings.TrimSuffix(s, "d"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%q is not a whole number of days", s)
		}
		if n > 1<<20 {
			return 0, fmt.Errorf("%q is too long", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func durationHelp(value string, err error) string {
	msg := fmt.Sprintf("%q is not a valid duration", value)
	if err != nil {
		msg += " (" + err.Error() + ")"
	}
	return msg + `. Use a positive duration such as "2160h", "90d" or "1h30m".`
}

// formatDuration prints durations the way users write them ("90d", "36h").
func formatDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// stringList converts a Terraform list/set of strings into a Go slice.
func stringList(values []types.String) []string {
	out := make([]string, 0, len(values))
	for _, v := range values {
		if !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	return out
}

// policyDiag turns an issuance-policy refusal into an attribute diagnostic;
// any other error gets the fallback attribute and summary.
func policyDiag(err error, fallback path.Path, summary string) diag.Diagnostic {
	var pe *pki.PolicyError
	if errors.As(err, &pe) {
		return diag.NewAttributeErrorDiagnostic(path.Root(pe.Attribute), "Issuance policy refused the certificate", err.Error())
	}
	return diag.NewAttributeErrorDiagnostic(fallback, summary, err.Error())
}

func diagBadIssuer(err error) diag.Diagnostic {
	if d, ok := keyFileDiag(err, path.Root("issuer")); ok {
		return d
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("issuer"), "Unusable issuer", err.Error()+". "+handleFix("issuer", "crank_ca.intermediate.issuer"))
}

// handleFix tells a user with an undecodable handle what to do: either the
// argument is not a crank_ca's issuer, or it is and that CA's state is
// damaged, which only a state repair fixes.
func handleFix(attr, example string) string {
	return fmt.Sprintf("If %s is not the `issuer` attribute of a crank_ca, set it to one (for example `%s = %s`). "+
		"If it already is, the state of that crank_ca is damaged (its issuer attribute was edited or the state file broke): restore the state from a backup (terraform.tfstate.backup or your backend's version history), "+
		"or remove that CA from state with `terraform state rm` and bring it back with `terraform import` (file-backed CAs) or by re-applying.", attr, attr, example)
}

func diagBadParent(err error) diag.Diagnostic {
	if d, ok := keyFileDiag(err, path.Root("parent")); ok {
		return d
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("parent"), "Unusable parent CA", err.Error()+". "+handleFix("parent", "crank_ca.root.issuer"))
}

func knownString(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
