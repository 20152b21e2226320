package rules

import "testing"

func TestDL3014(t *testing.T) {
	cases := []Case{
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
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"apt-get\", \"install\", \"curl\"]\n", Fire: true},
		{Name: "continuation and && chain", Dockerfile: "FROM debian:12\nRUN apt-get update && \\\n    apt-get install curl || true\n", Fire: true, Lines: []int{3}},
		{Name: "shipped build stage", Dockerfile: "FROM debian:12 AS b\nRUN apt-get install gcc\nFROM scratch\nCOPY --from=b /x /x\n", Fire: true},
		{Name: "stage not built under compat", Dockerfile: "FROM debian:12 AS dev\nRUN apt-get install curl\nFROM debian:12\nRUN true\n", Fire: true, Config: compat},
	}
	cases = append(cases, hadolintCases(true, "RUN apt-get install python", "RUN apt-get install -q python", "RUN apt-get install --quiet python")...)
	cases = append(cases, hadolintCases(false, "RUN apt-get install -yq python", "RUN apt-get install -y python", "RUN apt-get -y install python",
		"RUN apt-get --yes install python", "RUN apt-get --assume-yes install python", "RUN apt-get install -qq python",
		"RUN apt-get install -q -q python", "RUN apt-get install -q=2 python", "RUN apt-get install --quiet --quiet python")...)
	runCases(t, DL3014, cases)
}
