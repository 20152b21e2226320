package rules

import "testing"

func TestDL3036(t *testing.T) {
	cases := []Case{
		{Name: "no clean", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install curl\n", Fire: true, Lines: []int{2}},
		{Name: "clean in next RUN", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n in curl\nRUN zypper clean\n", Fire: true, Lines: []int{2}},
		{Name: "heredoc", Dockerfile: "FROM opensuse/leap:15\nRUN <<EOF\nzypper -n in curl\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "zypper clean -a", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install curl && zypper clean -a\n"},
		{Name: "zypper cc", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install curl && zypper cc\n"},
		{Name: "rm cache", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install curl && rm -rf /var/cache/zypp/*\n"},
		{Name: "cache mount", Dockerfile: "FROM opensuse/leap:15\nRUN --mount=type=cache,target=/var/cache/zypp zypper -n install curl\n"},
		{Name: "build stage", Dockerfile: "FROM opensuse/leap:15 AS b\nRUN zypper -n install gcc\nFROM scratch\nCOPY --from=b /x /x\n"},
		{Name: "quoted", Dockerfile: "FROM opensuse/leap:15\nRUN echo 'zypper install x'\n"},
		{Name: "exec form", Dockerfile: "FROM opensuse/leap:15\nRUN [\"zypper\", \"-n\", \"install\", \"curl\"]\n", Fire: true},
		{Name: "clean before install", Dockerfile: "FROM opensuse/leap:15\nRUN zypper clean; zypper -n in curl\n", Fire: true},
		{Name: "continuation || chain", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install \\\n    curl || exit 1\n", Fire: true, Lines: []int{2}},
		{Name: "build stage under compat", Dockerfile: "FROM opensuse/leap:15 AS b\nRUN zypper -n install gcc\nFROM scratch\nCOPY --from=b /x /x\n", Fire: true, Config: compat},
		{Name: "patch", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n patch\n", Fire: true},
		{Name: "continuation cleans", Dockerfile: "FROM opensuse/leap:15\nRUN zypper -n install \\\n    curl \\\n && zypper clean -a\n"},
	}
	cases = append(cases, hadolintCases(true, "RUN zypper install -y mariadb=10.4")...)
	cases = append(cases, hadolintCases(false, "RUN zypper install -y mariadb=10.4 && zypper clean", "RUN zypper install -y mariadb=10.4 && zypper cc")...)
	runCases(t, DL3036, cases)
}
