package rules

import "testing"

func TestDL3033(t *testing.T) {
	runCases(t, DL3033, []Case{
		{Name: "unpinned", Dockerfile: "FROM centos:7\nRUN yum install -y httpd\n", Fire: true, Lines: []int{2}},
		{Name: "hyphenated name is not a version", Dockerfile: "FROM centos:7\nRUN yum install -y python3-pip\n", Fire: true},
		{Name: "module without stream", Dockerfile: "FROM centos:8\nRUN yum module install -y nodejs\n", Fire: true},
		{Name: "sudo and env", Dockerfile: "FROM centos:7\nRUN sudo env LANG=C yum -y install jq\n", Fire: true},
		{Name: "ARG-expanded unpinned", Dockerfile: "FROM centos:7\nARG PKG=httpd\nRUN yum install -y $PKG\n", Fire: true},
		{Name: "pinned", Dockerfile: "FROM centos:7\nRUN yum install -y httpd-2.4.6-97.el7\n"},
		{Name: "ARG-expanded version", Dockerfile: "FROM centos:7\nARG V=2.4.6\nRUN yum install -y httpd-${V}\n"},
		{Name: "unknown ARG", Dockerfile: "FROM centos:7\nARG PKG\nRUN yum install -y $PKG\n"},
		{Name: "rpm file", Dockerfile: "FROM centos:7\nRUN yum install -y https://example.com/x.rpm /tmp/y.rpm\n"},
		{Name: "module stream", Dockerfile: "FROM centos:8\nRUN yum module install -y nodejs:18\n"},
		{Name: "stage not built", Dockerfile: "FROM centos:7 AS tools\nRUN yum install -y httpd\nFROM scratch\n"},
		{Name: "quoted", Dockerfile: "FROM centos:7\nRUN echo \"yum install httpd\"\n"},
		{Name: "remove", Dockerfile: "FROM centos:7\nRUN yum remove -y httpd\n"},
	})
}
