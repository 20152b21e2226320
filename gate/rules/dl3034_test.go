package rules

import "testing"

func TestDL3034(t *testing.T) {
	cases := []Case{
		{Name: "install", Dockerfile: "FROM opensuse/leap:15\nRUN zypper install curl\n", Fire: true, Lines: []int{2}},
		{Name: "in alias with sudo", Dockerfile: "FROM opensuse/leap:15\nRUN sudo zypper in curl\n", Fire: true},
		{Name: "remove", Dockerfile: "FROM opensuse/leap:15\nRUN zypper rm curl\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM opensuse/leap:15\nRUN <<EOF\nzypper refresh\nzypper install curl\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "global -n", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install curl\n"},
		{Name: "non-interactive", Dockerfile: "FROM opensuse/leap:15\nRUN zypper --non-interactive in curl\n"},
		{Name: "-y", Dockerfile: "FROM opensuse/leap:15\nRUN zypper install -y curl\n"},
		{Name: "cluster", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -nq install curl\n"},
		{Name: "refresh needs no switch", Dockerfile: "FROM opensuse/leap:15\nRUN zypper refresh\n"},
		{Name: "stage not built", Dockerfile: "FROM opensuse/leap:15 AS x\nRUN zypper install curl\nFROM scratch\n"},
		{Name: "quoted", Dockerfile: "FROM opensuse/leap:15\nRUN echo 'zypper install curl'\n"},
		{Name: "exec form", Dockerfile: "FROM opensuse/leap:15\nRUN [\"zypper\", \"install\", \"curl\"]\n", Fire: true},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3034Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN zypper install httpd=2.4.24 && zypper clean")...)
	cases = append(cases, hadolintCases(false, "RUN zypper install -n httpd=2.4.24 && zypper clean", "RUN zypper install --non-interactive httpd=2.4.24 && zypper clean", "RUN zypper install -y httpd=2.4.24 && zypper clean", "RUN zypper install --no-confirm httpd=2.4.24 && zypper clean")...)
	runCases(t, DL3034, cases)
}
