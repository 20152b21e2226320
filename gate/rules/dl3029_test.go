package rules

import "testing"

func TestDL3029(t *testing.T) {
	runCases(t, DL3029, []Case{
		{Name: "constant", Dockerfile: "FROM --platform=linux/amd64 debian:12\n", Fire: true, Lines: []int{1}},
		{Name: "build stage", Dockerfile: "FROM --platform=linux/arm64 golang:1 AS b\nFROM debian:12\n", Fire: true, Lines: []int{1}},
		{Name: "BUILDPLATFORM", Dockerfile: "FROM --platform=$BUILDPLATFORM golang:1 AS b\nFROM debian:12\n"},
		{Name: "braced TARGETPLATFORM", Dockerfile: "FROM --platform=${TARGETPLATFORM} debian:12\n"},
		{Name: "ARG", Dockerfile: "ARG P=linux/amd64\nFROM --platform=$P debian:12\n"},
		{Name: "none", Dockerfile: "FROM debian:12\n"},
		{Name: "lower-case", Dockerfile: "from --platform=linux/amd64 debian:12\n", Fire: true},
		{Name: "constant in multi-stage final", Dockerfile: "FROM --platform=$BUILDPLATFORM golang:1 AS b\nFROM --platform=linux/arm64 debian:12\n", Fire: true, Lines: []int{2}},
		{Name: "ARG-expanded constant", Dockerfile: "FROM --platform=${TARGETOS}/${TARGETARCH} debian:12\n"},
		{Name: "continuation", Dockerfile: "FROM \\\n  --platform=linux/amd64 debian:12\n", Fire: true},
	})
}
