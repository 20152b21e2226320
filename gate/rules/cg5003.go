package rules

import (
	"strconv"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG5003: a non-root image exposing a privileged port.
var CG5003 = Rule{
	ID:       "CG5003",
	Name:     "privileged-port",
	Severity: Info,
	Summary:  "A non-root image should listen on ports from 1024 up.",
	Why: "Ports below 1024 are privileged: a process running as a non-root uid can bind them only with " +
		"`CAP_NET_BIND_SERVICE` or when the runtime lowers `net.ipv4.ip_unprivileged_port_start` (Docker " +
		"does, many Kubernetes runtimes do not). An image that runs as the platform's uid but expects port " +
		"80 works on a laptop and fails to start in the cluster. Listen on 8080 (or another port from 1024) " +
		"and map the public port in the Service or load balancer.",
	Bad:  "FROM nginxinc/nginx-unprivileged:1.27-alpine\nUSER 1000\nEXPOSE 80\n",
	Good: "FROM nginxinc/nginx-unprivileged:1.27-alpine\nUSER 1000\nEXPOSE 8080\n",
	Differences: "Only the stage that becomes the image is checked, and only when it ends as a non-root user " +
		"(running as root is CG5001 and DL3002). Port values are ARG-expanded; ranges fire when they start " +
		"below 1024. hadolint's DL3011 checks the valid range 0-65535, and Trivy's DS004 only port 22.",
	Check: checkCG5003,
}

func checkCG5003(ctx *Context) {
	target := ctx.Target()
	last := LastUser(target)
	if target == nil || last == nil || len(last.Args) == 0 {
		return
	}
	user, known := ctx.Expand(last, last.Args[0])
	if !known || IsRootUser([]string{user}) {
		return
	}
	for s := target; s != nil; s = s.BaseStage {
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindExpose {
				continue
			}
			for _, p := range in.Expanded {
				num, _, _ := strings.Cut(p, "/")
				num, _, _ = strings.Cut(num, "-")
				if n, err := strconv.Atoi(num); err == nil && n > 0 && n < 1024 {
					ctx.Report(in, "Port %s is privileged, so the non-root user %s cannot bind it on most runtimes; listen on a port from 1024 (such as 8080) and map it outside", p, user)
				}
			}
		}
	}
}
