package rules

import "testing"

func TestDL3007(t *testing.T) {
	cases := []Case{
		{Name: "latest", Dockerfile: "FROM debian:latest\n", Fire: true, Lines: []int{1}},
		{Name: "registry and latest", Dockerfile: "FROM ghcr.io/org/app:latest AS app\nFROM scratch\n", Fire: true, Lines: []int{1}},
		{Name: "latest from ARG", Dockerfile: "ARG TAG=latest\nFROM node:${TAG}\n", Fire: true, Lines: []int{2}},
		{Name: "latest from build arg", Dockerfile: "ARG TAG=22\nFROM node:$TAG\n", BuildArgs: map[string]string{"TAG": "latest"}, Fire: true},
		{Name: "release tag", Dockerfile: "FROM debian:12\n"},
		{Name: "latest pinned by digest", Dockerfile: "FROM debian:latest@sha256:ad86386827b083b3d71139050b47ffb32bbd9559ea9b1345a739b14fec2d9ecf\n"},
		{Name: "untagged is DL3006", Dockerfile: "FROM debian\n"},
		{Name: "stage named latest", Dockerfile: "FROM debian:12 AS latest\nFROM latest\n"},
		{Name: "unknown ARG", Dockerfile: "ARG TAG\nFROM node:$TAG\n"},
		{Name: "tag containing latest", Dockerfile: "FROM example/app:latest-rc1\n"},
		{Name: "lower-case and platform", Dockerfile: "from --platform=linux/amd64 debian:latest\n", Fire: true},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3007Spec.hs.
	cases = append(cases, hadolintCases(true, "FROM debian:latest", "FROM debian:latest AS builder")...)
	cases = append(cases, hadolintCases(false, "FROM debian:jessie", "FROM hub.docker.io/debian@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb", "FROM debian:jessie AS builder")...)
	runCases(t, DL3007, cases)
}
