package rules

import "testing"

func TestDL3037(t *testing.T) {
	cases := []Case{
		{Name: "unpinned", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install curl\n", Fire: true, Lines: []int{2}},
		{Name: "one of two unpinned", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n in curl=8.6 wget\n", Fire: true},
		{Name: "ARG-expanded name", Dockerfile: "FROM opensuse/leap:15\nARG P=curl\nRUN sudo zypper -n in $P\n", Fire: true},
		{Name: "pinned", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install curl=8.6.0\n"},
		{Name: "range", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install 'curl>=8.6'\n"},
		{Name: "pattern", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install -t pattern devel_basis\n"},
		{Name: "rpm file", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install /tmp/x.rpm\n"},
		{Name: "unknown ARG", Dockerfile: "FROM opensuse/leap:15\nARG P\nRUN zypper -n in $P\n"},
		{Name: "stage not built", Dockerfile: "FROM opensuse/leap:15 AS x\nRUN zypper -n in curl\nFROM scratch\n"},
		{Name: "quoted", Dockerfile: "FROM opensuse/leap:15\nRUN echo 'zypper in curl'\n"},
		{Name: "exec form", Dockerfile: "FROM opensuse/leap:15\nRUN [\"zypper\", \"-n\", \"install\", \"curl\"]\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install \\\n    curl=8.6.0 \\\n    wget\n", Fire: true},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3037Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN zypper install -y tomcat && zypper clean")...)
	cases = append(cases, hadolintCases(false, "RUN zypper install -y tomcat=9.0.39 && zypper clean", "RUN zypper install -y tomcat\\>=9.0 && zypper clean", "RUN zypper install -y tomcat\\>9.0 && zypper clean", "RUN zypper install -y tomcat\\<=9.0 && zypper clean", "RUN zypper install -y tomcat\\<9.0 && zypper clean", "RUN zypper install -y tomcat-9.0.39-1.rpm && zypper clean")...)
	runCases(t, DL3037, cases)
}
