package rules

import (
	"slices"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// TestCompatHadolint runs each documented difference from hadolint on the
// same Dockerfile twice: with crank's defaults and with compat: hadolint,
// which must give hadolint's result. The hadolint side comes from its
// spec cases (test/Hadolint/Rule/DLxxxxSpec.hs) where one covers the case,
// otherwise from the rule's source (src/Hadolint/Rule/DLxxxx.hs, and
// src/Hadolint/Shell.hs with ShellCheck's getCommandName for how commands
// are named).
func TestCompatHadolint(t *testing.T) {
	cases := []struct {
		rule            Rule
		name            string
		dockerfile      string
		crank, hadolint bool
		source          string
	}{
		// Stage scoping: hadolint checks every stage.
		{DL3008, "unbuilt stage", "FROM debian:12 AS unused\nRUN apt-get install -y curl\nFROM debian:12\nRUN true\n", false, true, "DL3008.hs: every RUN"},
		{DL3003, "unbuilt stage", "FROM debian:12 AS unused\nRUN cd /src && make\nFROM debian:12\nRUN true\n", false, true, "DL3003.hs: every RUN"},
		// sudo and other wrappers: ShellCheck names the command sudo/env.
		{DL3008, "sudo apt-get", "FROM debian:12\nRUN sudo apt-get install -y curl\n", true, false, "getCommandName gives sudo"},
		{DL3027, "sudo apt", "FROM debian:12\nRUN sudo apt install curl\n", true, false, "getCommandName gives sudo"},
		{DL3004, "env sudo", "FROM debian:12\nRUN env DEBIAN_FRONTEND=noninteractive sudo apt-get update\n", true, false, "DL3004.hs: a command named sudo"},
		{DL3004, "sudo by path", "FROM debian:12\nRUN /usr/bin/sudo apt-get update\n", true, false, "DL3004.hs: a command named sudo"},
		{DL3004, "sudo (spec)", "FROM debian:12\nRUN apt-get update && sudo apt-get install\n", true, true, "DL3004Spec: sudo chained programs"},
		{DL3008, "apt-get by path", "FROM debian:12\nRUN /usr/bin/apt-get install -y curl\n", true, false, "getCommandName: the word as written"},
		{DL3008, "command apt-get", "FROM debian:12\nRUN command apt-get install -y curl\n", true, true, "getCommandName looks through command"},
		// Shell parsing: ShellCheck does not parse the script of sh -c.
		{DL3003, "cd in sh -c", "FROM debian:12\nRUN sh -c 'cd /src && make'\n", true, false, "ShellCheck: a -c script is a string"},
		{DL3030, "yum in bash -c", "FROM centos:7\nRUN bash -c \"yum install httpd\"\n", true, false, "ShellCheck: a -c script is a string"},
		// ARG/ENV expansion: hadolint reads words as written.
		{DL3006, "FROM an ARG", "ARG IMAGE=debian\nFROM ${IMAGE}\nRUN true\n", true, false, "DL3006Spec: using args is not an error"},
		{DL3007, "tag from an ARG", "ARG TAG=latest\nFROM node:${TAG}\nRUN true\n", true, false, "DL3007.hs: the tag as written"},
		{DL3008, "pins in an ARG", "FROM debian:12\nARG PKGS=curl=7.88.1-10\nRUN apt-get install -y $PKGS\n", false, true, "DL3008.hs: \"${PKGS}\" has no ="},
		{DL3011, "port from an ARG", "FROM debian:12\nARG PORT=70000\nEXPOSE $PORT\n", true, false, "DL3011.hs: only port numbers"},
		{DL3014, "options in a variable", "FROM debian:12\nARG APT_OPTS\nRUN apt-get install $APT_OPTS curl=7.88.1-10\n", false, true, "DL3014.hs: no -y flag"},
		{DL3033, "package in a variable", "FROM centos:7\nARG PKG\nRUN yum install -y $PKG && yum clean all\n", false, true, "DL3033.hs: ${PKG} has no version"},
		{DL3013, "package in a variable", "FROM python:3.12\nARG PKG\nRUN pip install --no-cache-dir $PKG\n", false, true, "DL3013.hs: ${PKG} has no version"},
		{DL3030, "options in a variable", "FROM centos:7\nARG YUM_OPTS\nRUN yum install $YUM_OPTS httpd\n", false, true, "DL3030.hs: no -y flag"},
		// Each rule's own tests.
		{DL3001, "ifconfig", "FROM debian:12\nRUN ifconfig\n", true, false, "DL3001.hs: ifconfig is not in its set"},
		{DL3001, "kill of a background job", "FROM debian:12\nRUN app & pid=$!; sleep 1; kill $pid\n", false, true, "DL3001.hs: kill"},
		{DL3007, "latest pinned by digest", "FROM node:latest@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb\nRUN true\n", false, true, "DL3007.hs: tag = latest"},
		{DL3011, "reversed range", "FROM debian:12\nEXPOSE 9000-80\n", true, false, "DL3011.hs: only numbers above 65535"},
		{DL3016, "npm i", "FROM node:22\nRUN npm i express\n", true, false, "DL3016.hs: cmdHasArgs npm install"},
		{DL3016, "dist-tag", "FROM node:22\nRUN npm install express@latest\n", true, false, "DL3016.hs: any @ pins"},
		{DL3021, "dot destination", "FROM debian:12\nCOPY a b .\n", false, true, "DL3021.hs: must end with /"},
		{DL3022, "image without tag", "FROM debian:12\nCOPY --from=org/tool /bin/tool /bin/tool\n", false, true, "DL3022.hs: no ':' and no alias"},
		{DL3022, "image with tag (spec)", "FROM scratch\nCOPY --from=haskell:latest bar .\n", false, false, "DL3022Spec: external image"},
		{DL3023, "own stage index", "FROM debian:12 AS a\nRUN true\nFROM debian:12\nCOPY --from=1 /x /y\n", true, false, "DL3023.hs: the alias only"},
		{DL3028, "local .gem file", "FROM ruby:3.3\nRUN gem install ./app.gem\n", false, true, "DL3028.hs: ':' pins"},
		{DL3037, "zypper pattern", "FROM opensuse/leap:15.6\nRUN zypper in -y -t pattern devel_basis\n", false, true, "DL3037.hs: every operand"},
		{DL3038, "dnf5", "FROM fedora:41\nRUN dnf5 install httpd\n", true, false, "DL3038.hs: dnf and microdnf"},
		{DL3038, "dnf in", "FROM fedora:41\nRUN dnf in httpd\n", true, false, "DL3038.hs: install, groupinstall, localinstall"},
		{DL4005, "link to another name", "FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/mysh\n", false, true, "DL4005.hs: ln with /bin/sh anywhere"},
		{DL4006, "set -o pipefail in RUN", "FROM debian:12\nRUN set -o pipefail; curl -f https://x | sh\n", false, true, "DL4006.hs: only SHELL counts"},
		{DL4006, "SHELL of the parent stage", "FROM debian:12 AS base\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM base\nRUN curl -f https://x | sh\n", false, true, "DL4006.hs: reset at every FROM"},
		{DL4006, "plain sh (spec)", "FROM scratch as build\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", true, true, "DL4006Spec: warns when using plain sh"},
		{DL3000, "WORKDIR from an ARG", "FROM debian:12\nARG DIR=app\nWORKDIR $DIR\n", true, false, "DL3000.hs: a path starting with $ passes"},
		{DL3000, "drive letter without a slash", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:app\n", true, false, "DL3000.hs: isWindowsAbsolute"},
		{DL3025, "replaced CMD", "FROM debian:12\nCMD app --old\nCMD [\"app\"]\n", false, true, "DL3025.hs: every CMD"},
		{DL3025, "build stage CMD", "FROM debian:12 AS build\nCMD make\nFROM debian:12\nCMD [\"app\"]\n", false, true, "DL3025.hs: every stage"},
		{DL3015, "build stage", "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /x /x\n", false, true, "DL3015.hs: every RUN"},
		// Label rules: hadolint has none without a label-schema.
		{DL3051, "no schema", "FROM debian:12\nLABEL org.opencontainers.image.licenses=\"\"\n", true, false, "DL3051.hs: the schema's keys"},
		{DL3052, "no schema", "FROM debian:12\nLABEL org.opencontainers.image.url=not-a-url\n", true, false, "DL3052.hs: the schema's url keys"},
	}
	for _, c := range cases {
		t.Run(c.rule.ID+"/"+c.name, func(t *testing.T) {
			for _, mode := range []struct {
				compat string
				want   bool
			}{{"", c.crank}, {config.CompatHadolint, c.hadolint}} {
				lines := lintLines(t, c.rule, Case{Dockerfile: c.dockerfile, Config: func(cfg *config.Config) { cfg.Compat = mode.compat }})
				if got := len(lines) > 0; got != mode.want {
					t.Errorf("compat %q: %s fired=%v (lines %v), want %v (%s) on:\n%s", mode.compat, c.rule.ID, got, lines, mode.want, c.source, c.dockerfile)
				}
			}
		})
	}
}

// TestCompatCGRulesKeepCrankBehaviour: compat: hadolint changes the DL
// rules only; crank's own rules still see commands behind sudo and inside
// sh -c scripts.
func TestCompatCGRulesKeepCrankBehaviour(t *testing.T) {
	df := "FROM debian:12\nRUN sudo sh -c 'curl -k https://example.com/x -o /x'\n"
	for _, compat := range []string{"", config.CompatHadolint} {
		lines := lintLines(t, CG2001, Case{Dockerfile: df, Config: func(cfg *config.Config) { cfg.Compat = compat }})
		if len(lines) == 0 {
			t.Errorf("compat %q: CG2001 must still see curl -k behind sudo sh -c", compat)
		}
	}
}

func TestHadolintCommandView(t *testing.T) {
	cmd := func(src string) *dockerfile.SimpleCommand {
		t.Helper()
		f, err := dockerfile.Parse([]byte("FROM debian:12\nRUN "+src+"\n"), dockerfile.Options{})
		if err != nil || len(f.Stages[0].Instructions) < 1 {
			t.Fatalf("parse %q: %v", src, err)
		}
		cmds := f.Stages[0].Instructions[0].Commands()
		if len(cmds) == 0 {
			t.Fatalf("no command in %q", src)
		}
		return cmds[0]
	}
	for _, c := range []struct {
		src, name string
		operands  []string
		drop      []string
	}{
		{"apt-get install -y -t bookworm curl", "apt-get", []string{"install", "curl"}, []string{"t"}},
		{"apk add --virtual=.deps curl", "apk", []string{"add", "curl"}, []string{"virtual"}},
		{"apk add --virtual .deps curl", "apk", []string{"add", "curl"}, []string{"virtual"}},
		{"sudo apt-get install curl", "sudo", []string{"apt-get", "install", "curl"}, nil},
		{"exec -a name apt-get install curl", "apt-get", []string{"install", "curl"}, nil},
		{"command -v apt-get", "command", []string{"apt-get"}, nil},
		{"/usr/bin/apt-get install curl", "", []string{"install", "curl"}, nil},
		{"apt-get install \"curl=${V}\"", "apt-get", []string{"install", "curl=${V}"}, nil},
	} {
		c2 := hadolintCommand(cmd(c.src))
		if got := c2.Name(); got != c.name {
			t.Errorf("%q: name %q, want %q", c.src, got, c.name)
		}
		if got := hadolintOperands(c2, c.drop...); !slices.Equal(got, c.operands) {
			t.Errorf("%q: operands %q, want %q", c.src, got, c.operands)
		}
	}
	if got := hadolintFlags("-qy"); !slices.Equal(got, []string{"q", "y"}) {
		t.Errorf("flags of -qy: %q", got)
	}
	if got := hadolintFlags("--assumeyes=1"); !slices.Equal(got, []string{"assumeyes"}) {
		t.Errorf("flags of --assumeyes=1: %q", got)
	}
	if got := hadolintFlags("--"); got != nil {
		t.Errorf("flags of --: %q", got)
	}
	if !inNestedShell(cmd("sh -c 'cd /x'").Inner[0]) {
		t.Error("the cd of sh -c 'cd /x' must count as nested")
	}
	if inNestedShell(cmd("echo $(cd /x && pwd)")) {
		t.Error("a top-level command is not nested")
	}
}

// TestCompatTurnsOnShadowedRules: DL3064 and DL3066 are off by default
// because CG4001 and CG5001 ask the same question; hadolint runs both by
// default, so compat: hadolint must turn them on.
func TestCompatTurnsOnShadowedRules(t *testing.T) {
	for _, r := range []Rule{DL3064, DL3066} {
		if r.DefaultOn(&config.Config{}) {
			t.Errorf("%s runs by default; CG rules ask the same question", r.ID)
		}
		if !r.DefaultOn(&config.Config{Compat: config.CompatHadolint}) {
			t.Errorf("%s does not run under compat: hadolint, where hadolint runs it by default", r.ID)
		}
	}
}
