package rules

import "testing"

func TestDL3008(t *testing.T) {
	cases := []Case{
		{Name: "unpinned", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "one of two unpinned", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl=7.88 git\n", Fire: true},
		{Name: "sudo prefix", Dockerfile: "FROM debian:12\nRUN sudo apt-get -y install curl\n", Fire: true},
		{Name: "packages from ENV", Dockerfile: "FROM debian:12\nENV PKGS=\"curl=1 git\"\nRUN apt-get install -y $PKGS\n", Fire: true},
		{Name: "on continuation line", Dockerfile: "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y \\\n      curl\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"apt-get\", \"install\", \"-y\", \"curl\"]\n", Fire: true},
		{Name: "pinned", Dockerfile: "FROM debian:12\nRUN apt-get install -y curl=7.88.1-10\n"},
		{Name: "pinned by ARG", Dockerfile: "FROM debian:12\nARG V=7.88\nRUN apt-get install -y curl=${V}\n"},
		{Name: "deb file", Dockerfile: "FROM debian:12\nRUN apt-get install -y ./pkg.deb /tmp/x.deb\n"},
		{Name: "option values are not packages", Dockerfile: "FROM debian:12\nRUN apt-get install -y -o Dpkg::Options::=--force-confold -t bookworm-backports curl=1\n"},
		{Name: "unknown variable", Dockerfile: "FROM debian:12\nARG PKGS\nRUN apt-get install -y $PKGS\n"},
		{Name: "quoted text", Dockerfile: "FROM debian:12\nRUN echo 'apt-get install curl'\n"},
		{Name: "apt-get update only", Dockerfile: "FROM debian:12\nRUN apt-get update\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS dev\nRUN apt-get install -y curl\nFROM debian:12\nRUN true\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3008Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN apt-get update && apt-get install python")...)
	cases = append(cases, hadolintCases(false, "RUN apt-get update \\\n && apt-get -yqq --no-install-recommends install nodejs=0.10 \\\n && rm -rf /var/lib/apt/lists/*", "RUN apt-get update && apt-get install --no-install-recommends -y \\\npython-demjson=2.2.2* \\\nwget=1.16.1* \\\ngit=1:2.5.0* \\\nruby=1:2.1.*", "RUN apt-get install -y python=1.2.2", "RUN apt-get install ./wkhtmltox_0.12.5-1.bionic_amd64.deb", "RUN apt-get -y --no-install-recommends install nodejs=0.10", "RUN set -e &&\\\n echo \"deb http://http.debian.net/debian jessie-backports main\" > /etc/apt/sources.list.d/jessie-backports.list &&\\\n apt-get update &&\\\n apt-get install -y --no-install-recommends -t jessie-backports openjdk-8-jdk=8u131-b11-1~bpo8+1 &&\\\n rm -rf /var/lib/apt/lists/*")...)
	runCases(t, DL3008, cases)
}
