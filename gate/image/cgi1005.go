package image

import (
	"sort"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI1005: secrets in labels.
var CGI1005 = Rule{
	ID:       "CGI1005",
	Name:     "image-label-secret",
	Severity: findings.Error,
	Summary:  "Image labels must not carry secrets.",
	Why: "Labels are public metadata, shown by registries and `docker inspect`; a token put in a label " +
		"(often by a CI template that copies variables into `--label`) is published with the image. Remove " +
		"the label and rotate the secret.",
	Config: checkCGI1005,
}

func checkCGI1005(s *Scan) {
	labels := s.ConfigFile.Config.Labels
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if what, ok := scanValue(s.Content, "LABEL "+k, k, labels[k]); ok {
			s.Report(Anchor{Kind: AnchorLabel, Key: k}, "label:"+k, "LABEL %s holds %s; remove it and rotate the secret", k, what)
		}
	}
}
