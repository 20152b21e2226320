package rules

import "testing"

func TestDL3041(t *testing.T) {
	cases := []Case{
		{Name: "unpinned", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd\n", Fire: true, Lines: []int{2}},
		{Name: "microdnf", Dockerfile: "FROM ubi9/ubi-minimal\nRUN microdnf install -y python3-pip\n", Fire: true},
		{Name: "module", Dockerfile: "FROM fedora:40\nRUN sudo dnf -y module install nodejs\n", Fire: true},
		{Name: "options first", Dockerfile: "FROM fedora:40\nRUN dnf --setopt=tsflags=nodocs -y install httpd-2.4 php\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM fedora:40\nRUN [\"dnf\", \"install\", \"-y\", \"httpd\"]\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM fedora:40\nRUN <<EOF\ndnf install -y httpd\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "continuation", Dockerfile: "FROM fedora:40\nRUN dnf install -y \\\n    httpd-2.4.62 \\\n    php \\\n && dnf clean all\n", Fire: true},
		{Name: "short form and dnf5", Dockerfile: "FROM fedora:41\nRUN dnf in -y httpd || dnf5 install -y httpd\n", Fire: true},
		{Name: "multi-stage shipped", Dockerfile: "FROM fedora:40 AS b\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=b /x /x\n", Fire: true},
		{Name: "stage not built under compat", Dockerfile: "FROM fedora:40 AS x\nRUN dnf install -y httpd\nFROM scratch\n", Fire: true, Config: compat},
		{Name: "group under compat", Dockerfile: "FROM fedora:40\nRUN dnf install -y @development-tools\n", Fire: true, Config: compat},
		{Name: "pinned", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n"},
		{Name: "release", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd-2.4.62-1.fc40 python3-pip-21.0\n"},
		{Name: "module stream", Dockerfile: "FROM fedora:40\nRUN dnf -y module install nodejs:18\n"},
		{Name: "group", Dockerfile: "FROM fedora:40\nRUN dnf install -y @development-tools\n"},
		{Name: "groupinstall", Dockerfile: "FROM fedora:40\nRUN dnf groupinstall -y \"Development Tools\"\n"},
		{Name: "rpm file", Dockerfile: "FROM fedora:40\nRUN dnf install -y /tmp/x.rpm\n"},
		{Name: "unknown ARG", Dockerfile: "FROM fedora:40\nARG P\nRUN dnf install -y $P\n"},
		{Name: "stage not built", Dockerfile: "FROM fedora:40 AS x\nRUN dnf install -y httpd\nFROM scratch\n"},
		{Name: "quoted", Dockerfile: "FROM fedora:40\nRUN echo 'dnf install httpd'\n"},
		{Name: "heredoc pinned", Dockerfile: "FROM fedora:40\nRUN <<EOF\ndnf install -y httpd-2.4.62\ndnf clean all\nEOF\n"},
	}
	cases = append(cases, hadolintCases(true, "RUN dnf install -y tomcat && dnf clean all", "RUN microdnf install -y tomcat && microdnf clean all",
		"RUN dnf module install -y tomcat && dnf clean all", "RUN microdnf module install -y tomcat && microdnf clean all")...)
	cases = append(cases, hadolintCases(false, "RUN dnf install -y tomcat-9.0.1 && dnf clean all", "RUN microdnf install -y tomcat-9.0.1 && microdnf clean all",
		"RUN notdnf install tomcat", "RUN dnf module install -y tomcat:9 && dnf clean all", "RUN microdnf module install -y tomcat:9 && microdnf clean all",
		"RUN notdnf module install tomcat")...)
	runCases(t, DL3041, cases)
}
