package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func TestCG1003(t *testing.T) {
	runCases(t, CG1003, []Case{
		{Name: "full debian", Dockerfile: "FROM debian:12\n", Fire: true, Lines: []int{1}},
		{Name: "full image through stage chain", Dockerfile: "FROM python:3.12 AS base\nRUN true\nFROM base\nUSER 1000\n", Fire: true, Lines: []int{1}},
		{Name: "ARG expanded", Dockerfile: "ARG V=3.12\nFROM python:${V}\n", Fire: true, Lines: []int{2}},
		{Name: "target selects fat stage", Dockerfile: "FROM ubuntu:24.04 AS dev\nFROM alpine:3.20 AS prod\n", Target: "dev", Fire: true, Lines: []int{1}},
		{Name: "slim tag", Dockerfile: "FROM python:3.12-slim\n"},
		{Name: "slim bookworm", Dockerfile: "FROM node:22-bookworm-slim\n"},
		{Name: "alpine", Dockerfile: "FROM alpine:3.20\n"},
		{Name: "alpine variant", Dockerfile: "FROM golang:1.26-alpine3.20\n"},
		{Name: "distroless with digest", Dockerfile: "FROM gcr.io/distroless/static-debian12:nonroot@sha256:ad86386827b083b3d71139050b47ffb32bbd9559ea9b1345a739b14fec2d9ecf\n"},
		{Name: "chainguard", Dockerfile: "FROM cgr.dev/chainguard/static:latest\n"},
		{Name: "scratch", Dockerfile: "FROM scratch\n"},
		{Name: "fat builder slim final", Dockerfile: "FROM golang:1.26 AS build\nRUN go build\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /a /a\n"},
		{Name: "unknown ARG", Dockerfile: "ARG BASE\nFROM $BASE\n"},
		{Name: "custom allowlist", Dockerfile: "FROM registry.example.com/base/runtime:1\n", Config: func(c *config.Config) { c.SlimAllowlist = []string{"registry.example.com/base/**"} }},
		{Name: "custom allowlist excludes default", Dockerfile: "FROM alpine:3.20\n", Config: func(c *config.Config) { c.SlimAllowlist = []string{"registry.example.com/base/**"} }, Fire: true},
		{Name: "empty allowlist disables", Dockerfile: "FROM debian:12\n", Config: func(c *config.Config) { c.SlimAllowlist = nil }},
	})
}
