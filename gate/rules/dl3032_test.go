package rules

import "testing"

func TestDL3032(t *testing.T) {
	cases := []Case{
		{Name: "no clean", Dockerfile: "FROM centos:7\nRUN yum install -y httpd\n", Fire: true, Lines: []int{2}},
		{Name: "clean in a later RUN", Dockerfile: "FROM centos:7\nRUN yum install -y httpd\nRUN yum clean all\n", Fire: true, Lines: []int{2}},
		{Name: "options before install", Dockerfile: "FROM centos:7\nRUN yum --enablerepo epel -y install jq\n", Fire: true},
		{Name: "sudo", Dockerfile: "FROM centos:7\nRUN sudo yum install -y httpd\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM centos:7\nRUN <<EOF\nset -e\nyum install -y httpd\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "parent of target", Dockerfile: "FROM centos:7 AS base\nRUN yum install -y httpd\nFROM base\nUSER 1000\n", Fire: true, Lines: []int{2}},
		{Name: "clean all", Dockerfile: "FROM centos:7\nRUN yum install -y httpd && yum clean all\n"},
		{Name: "rm cache", Dockerfile: "FROM centos:7\nRUN yum install -y httpd && rm -rf /var/cache/yum/*\n"},
		{Name: "cache mount", Dockerfile: "FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd\n"},
		{Name: "build stage only", Dockerfile: "FROM centos:7 AS build\nRUN yum install -y gcc\nFROM scratch\nCOPY --from=build /a /a\n"},
		{Name: "quoted text", Dockerfile: "FROM centos:7\nRUN echo 'yum install -y httpd'\n"},
		{Name: "yum info", Dockerfile: "FROM centos:7\nRUN yum info httpd\n"},
		{Name: "exec form with clean", Dockerfile: "FROM centos:7\nRUN [\"sh\", \"-c\", \"yum install -y x && yum clean all\"]\n"},
		{Name: "exec form", Dockerfile: "FROM centos:7\nRUN [\"yum\", \"install\", \"-y\", \"httpd\"]\n", Fire: true},
		{Name: "clean before install", Dockerfile: "FROM centos:7\nRUN yum clean all; yum install -y httpd\n", Fire: true},
		{Name: "continuation || chain", Dockerfile: "FROM centos:7\nRUN yum install -y \\\n    httpd || exit 1\n", Fire: true, Lines: []int{2}},
		{Name: "build stage under compat", Dockerfile: "FROM centos:7 AS build\nRUN yum install -y gcc\nFROM scratch\nCOPY --from=build /a /a\n", Fire: true, Config: compat},
		{Name: "continuation cleans", Dockerfile: "FROM centos:7\nRUN yum install -y \\\n    httpd \\\n && yum clean all\n"},
		{Name: "dnf clean all", Dockerfile: "FROM centos:7\nRUN yum install -y httpd && dnf clean all\n"},
	}
	cases = append(cases, hadolintCases(true, "RUN yum install -y mariadb-10.4")...)
	cases = append(cases, hadolintCases(false, "RUN yum install -y mariadb-10.4 && yum clean all", "RUN bash -c `# not even a yum command`",
		"RUN yum install -y mariadb-10.4 && rm -rf /var/cache/yum/*")...)
	runCases(t, DL3032, cases)
}
