package image

import (
	"sort"
	"strconv"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// CGI1003: exposed ports a non-root process cannot bind, or that invite
// remote shells.
var CGI1003 = Rule{
	ID:       "CGI1003",
	Name:     "image-exposed-ports",
	Severity: findings.Warning,
	Summary:  "Do not expose privileged ports (below 1024) or SSH.",
	Why: "A non-root process cannot bind ports below 1024 without `CAP_NET_BIND_SERVICE`, so an image that " +
		"exposes 80 or 443 either runs as root or documents a port it does not serve. Listen on 8080/8443 and " +
		"map the port in the Service. Port 22 means an SSH server in the image: use `kubectl exec` instead. " +
		"Ports in the allowed list (`image.allowed-ports` in `.crank-gate.yaml`, or `--allow-port`) are accepted.",
	Equivalents: findings.Equivalents{Hadolint: []string{"DL3011"}, Trivy: []string{"DS008"}},
	Config:      checkCGI1003,
}

func checkCGI1003(s *Scan) {
	keys := make([]string, 0, len(s.ConfigFile.Config.ExposedPorts))
	for k := range s.ConfigFile.Config.ExposedPorts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		num, _, _ := strings.Cut(k, "/")
		port, err := strconv.Atoi(num)
		if err != nil || allowedPort(s.Policy.AllowedPorts, port) {
			continue
		}
		a := Anchor{Kind: AnchorExpose, Key: k}
		switch {
		case port == 22:
			s.Report(a, "port:"+k, "The image exposes %s (SSH); do not ship an SSH server, use kubectl exec or an ephemeral debug container", k)
		case port < 1024:
			s.Report(a, "port:"+k, "The image exposes privileged port %s, which a non-root process cannot bind; listen on a port above 1023 (8080) and map it in the Service", k)
		}
	}
}

func allowedPort(allowed []int, p int) bool {
	for _, a := range allowed {
		if a == p {
			return true
		}
	}
	return false
}
