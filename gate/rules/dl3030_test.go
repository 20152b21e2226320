package rules

import "testing"

func TestDL3030(t *testing.T) {
	cases := []Case{
		{Name: "no -y", Dockerfile: "FROM centos:7\nRUN yum install httpd\n", Fire: true, Lines: []int{2}},
		{Name: "groupinstall", Dockerfile: "FROM centos:7\nRUN yum groupinstall 'Development Tools'\n", Fire: true},
		{Name: "sudo prefix", Dockerfile: "FROM centos:7\nRUN sudo yum --enablerepo=epel install jq\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM centos:7\nRUN <<EOF\nyum install jq\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "-y", Dockerfile: "FROM centos:7\nRUN yum install -y httpd\n"},
		{Name: "bundled", Dockerfile: "FROM centos:7\nRUN yum -qy install httpd\n"},
		{Name: "long", Dockerfile: "FROM centos:7\nRUN yum --assumeyes install httpd\n"},
		{Name: "clean needs no -y", Dockerfile: "FROM centos:7\nRUN yum clean all\n"},
		{Name: "dnf is DL3038", Dockerfile: "FROM fedora:40\nRUN dnf install httpd\n"},
		{Name: "unknown variable", Dockerfile: "FROM centos:7\nARG YUM_OPTS\nRUN yum install $YUM_OPTS httpd\n"},
		{Name: "stage not built", Dockerfile: "FROM centos:7 AS dev\nRUN yum install gdb\nFROM centos:7\n"},
		{Name: "exec form", Dockerfile: "FROM centos:7\nRUN [\"yum\", \"install\", \"httpd\"]\n", Fire: true},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3030Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN yum install httpd-2.4.24 && yum clean all")...)
	cases = append(cases, hadolintCases(false, "RUN yum install -y httpd-2.4.24 && yum clean all", "RUN bash -c `# not even a yum command`")...)
	runCases(t, DL3030, cases)
}
