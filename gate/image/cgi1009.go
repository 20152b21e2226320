package image

import (
	"fmt"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI1009: the uncompressed image size budget.
var CGI1009 = Rule{
	ID:       "CGI1009",
	Name:     "image-size-budget",
	Severity: findings.Warning,
	Summary:  "The uncompressed image should stay within the size budget (default 1 GiB).",
	Why: "Size is pull time, cold-start time and attack surface. The budget is the uncompressed size of " +
		"all layers as read (files deleted in a later layer still count: they are still pulled). Shrink " +
		"with a multi-stage build onto a slim base; change the budget with `image.max-image-size` in `.crank-gate.yaml` or `--max-image-size`.",
	Finish: checkCGI1009,
}

func checkCGI1009(s *Scan) {
	if s.Policy.MaxImageBytes <= 0 {
		return
	}
	var total int64
	for _, l := range s.Layers {
		total += l.Uncompressed
	}
	if total > s.Policy.MaxImageBytes {
		s.Report(Anchor{Kind: AnchorImage}, "size", "The image is %s uncompressed, over the budget of %s; build on a slim base and copy only the build output", humanBytes(total), humanBytes(s.Policy.MaxImageBytes))
	}
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
