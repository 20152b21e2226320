package rules

import "testing"

func TestDL3032(t *testing.T) {
	runCases(t, DL3032, []Case{
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
	})
}
