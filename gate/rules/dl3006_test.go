package rules

import "testing"

func TestDL3006(t *testing.T) {
	cases := []Case{
		{Name: "untagged", Dockerfile: "FROM debian\n", Fire: true, Lines: []int{1}},
		{Name: "untagged registry with port", Dockerfile: "FROM localhost:5000/app\n", Fire: true},
		{Name: "untagged in build stage", Dockerfile: "FROM golang AS build\nFROM scratch\n", Fire: true, Lines: []int{1}},
		{Name: "ARG default without tag", Dockerfile: "ARG IMG=debian\nFROM $IMG\n", Fire: true, Lines: []int{2}},
		{Name: "tagged", Dockerfile: "FROM debian:12\n"},
		{Name: "digest only", Dockerfile: "FROM debian@sha256:ad86386827b083b3d71139050b47ffb32bbd9559ea9b1345a739b14fec2d9ecf\n"},
		{Name: "registry port is not a tag", Dockerfile: "FROM localhost:5000/app:1.2\n"},
		{Name: "scratch", Dockerfile: "FROM scratch\n"},
		{Name: "stage reference", Dockerfile: "FROM debian:12 AS base\nFROM base\n"},
		{Name: "tag from ARG", Dockerfile: "ARG TAG=12\nFROM debian:${TAG}\n"},
		{Name: "tag from ARG default syntax", Dockerfile: "ARG TAG\nFROM debian:${TAG:-12}\n"},
		{Name: "unknown ARG is not guessed", Dockerfile: "ARG IMAGE\nFROM ${IMAGE}\n"},
		{Name: "build arg supplies tag", Dockerfile: "ARG IMG\nFROM $IMG\n", BuildArgs: map[string]string{"IMG": "debian:12"}},
		{Name: "multi-stage second untagged", Dockerfile: "FROM debian:12 AS a\nFROM node AS b\n", Fire: true, Lines: []int{2}},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3006Spec.hs.
	cases = append(cases, Case{Name: "hadolint/FROM debian", Dockerfile: "FROM debian\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/FROM debian AS builder", Dockerfile: "FROM debian AS builder\n", Fire: true, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/FROM ruby@sha256:f1dbca0f5dbc9", Dockerfile: "FROM ruby@sha256:f1dbca0f5dbc9\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/FROM ruby:2", Dockerfile: "FROM ruby:2\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/FROM ${VALUE}", Dockerfile: "FROM ${VALUE}\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/FROM scratch", Dockerfile: "FROM scratch\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/RUN baz", Dockerfile: "FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM build as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz\n", Fire: false, Hadolint: true})
	cases = append(cases, Case{Name: "hadolint/RUN baz", Dockerfile: "FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM node as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz\n", Fire: true, Hadolint: true})
	runCases(t, DL3006, cases)
}
