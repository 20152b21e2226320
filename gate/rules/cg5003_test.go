package rules

import "testing"

func TestCG5003(t *testing.T) {
	const from = "FROM alpine:3.20\n"
	runCases(t, CG5003, []Case{
		{Name: "port 80", Dockerfile: from + "USER 1000\nEXPOSE 80\n", Fire: true, Lines: []int{3}},
		{Name: "port with protocol", Dockerfile: from + "EXPOSE 443/tcp\nUSER 1000\n", Fire: true, Lines: []int{2}},
		{Name: "range from privileged", Dockerfile: from + "USER 1000\nEXPOSE 1000-1100\n", Fire: true},
		{Name: "ARG port", Dockerfile: from + "ARG PORT=80\nUSER 1000\nEXPOSE ${PORT}\n", Fire: true, Lines: []int{4}},
		{Name: "named non-root", Dockerfile: from + "USER nginx\nEXPOSE 80\n", Fire: true},
		{Name: "parent stage expose", Dockerfile: "FROM alpine:3.20 AS base\nEXPOSE 80\nFROM base\nUSER 1000\n", Fire: true, Lines: []int{2}},
		{Name: "high port", Dockerfile: from + "USER 1000\nEXPOSE 8080 8443/tcp\n"},
		{Name: "root user", Dockerfile: from + "USER root\nEXPOSE 80\n"},
		{Name: "no user", Dockerfile: from + "EXPOSE 80\n"},
		{Name: "unknown port", Dockerfile: from + "ARG PORT\nUSER 1000\nEXPOSE $PORT\n"},
		{Name: "build stage", Dockerfile: "FROM alpine:3.20 AS b\nUSER 1000\nEXPOSE 80\nFROM scratch\nUSER 1000\nEXPOSE 8080\n"},
	})
}
