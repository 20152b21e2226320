package rules

import "testing"

func TestDL3014(t *testing.T) {
	runCases(t, DL3014, []Case{
		{Name: "no -y", Dockerfile: "FROM debian:12\nRUN apt-get install curl\n", Fire: true, Lines: []int{2}},
		{Name: "single -q", Dockerfile: "FROM debian:12\nRUN apt-get -q install curl\n", Fire: true},
		{Name: "sudo prefix", Dockerfile: "FROM debian:12\nRUN sudo apt-get install curl\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install curl\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "-y", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl\n"},
		{Name: "bundled", Dockerfile: "FROM debian:12\nRUN apt-get -qy install curl\n"},
		{Name: "long", Dockerfile: "FROM debian:12\nRUN apt-get install --assume-yes curl && apt-get --yes install git\n"},
		{Name: "-qq", Dockerfile: "FROM debian:12\nRUN apt-get -qq install curl\n"},
		{Name: "option", Dockerfile: "FROM debian:12\nRUN apt-get -o APT::Get::Assume-Yes=true install curl\n"},
		{Name: "unknown flags variable", Dockerfile: "FROM debian:12\nARG APT_FLAGS\nRUN apt-get install $APT_FLAGS curl\n"},
		{Name: "flags from ENV", Dockerfile: "FROM debian:12\nENV APT_FLAGS=-y\nRUN apt-get install $APT_FLAGS curl\n"},
		{Name: "update needs no -y", Dockerfile: "FROM debian:12\nRUN apt-get update\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS dev\nRUN apt-get install curl\nFROM debian:12\nRUN true\n"},
	})
}
