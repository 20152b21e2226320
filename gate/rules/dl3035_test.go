package rules

import "testing"

func TestDL3035(t *testing.T) {
	runCases(t, DL3035, []Case{
		{Name: "dist-upgrade", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n dist-upgrade\n", Fire: true, Lines: []int{2}},
		{Name: "dup alias", Dockerfile: "FROM opensuse/leap:15\nRUN zypper refresh && sudo zypper dup -y\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM opensuse/leap:15\nRUN [\"zypper\", \"dup\", \"-y\"]\n", Fire: true},
		{Name: "update", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n update curl\n"},
		{Name: "quoted", Dockerfile: "FROM opensuse/leap:15\nRUN echo 'zypper dup'\n"},
		{Name: "stage not built", Dockerfile: "FROM opensuse/leap:15 AS x\nRUN zypper dup\nFROM scratch\n"},
		{Name: "continuation chain", Dockerfile: "FROM opensuse/leap:15\nRUN zypper ref; \\\n    zypper -n dist-upgrade || true\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM opensuse/leap:15\nRUN <<EOF\nzypper -n dup\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "patch", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n patch\n"},
		{Name: "dup as a package name", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install dup=1.0\n"},
	})
}
