package rules

import (
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
)

func compat(c *config.Config) { c.Compat = config.CompatHadolint }

func TestDL3040(t *testing.T) {
	cases := []Case{
		{Name: "no clean", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd\n", Fire: true, Lines: []int{2}},
		{Name: "microdnf", Dockerfile: "FROM ubi9/ubi-minimal\nRUN microdnf install -y httpd\n", Fire: true},
		{Name: "clean in next RUN", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd\nRUN dnf clean all\n", Fire: true, Lines: []int{2}},
		{Name: "clean before install", Dockerfile: "FROM fedora:40\nRUN dnf clean all && dnf install -y httpd\n", Fire: true},
		{Name: "clean by another tool", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd && microdnf clean all\n", Fire: true},
		{Name: "options before install", Dockerfile: "FROM fedora:40\nRUN dnf --setopt=install_weak_deps=False -y install httpd\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM fedora:40\nRUN [\"dnf\", \"install\", \"-y\", \"httpd\"]\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM fedora:40\nRUN <<EOF\ndnf install -y httpd\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "continuation", Dockerfile: "FROM fedora:40\nRUN dnf install -y \\\n  httpd \\\n  php\n", Fire: true},
		{Name: "semicolon chain, clean packages only", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd; dnf clean packages\n", Fire: true},
		{Name: "short form and dnf5", Dockerfile: "FROM fedora:41\nRUN dnf in -y httpd && dnf5 install -y php\n", Fire: true},
		{Name: "sudo", Dockerfile: "FROM fedora:40\nRUN sudo dnf install -y httpd\n", Fire: true},
		{Name: "build stage under compat", Dockerfile: "FROM fedora:40 AS b\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=b /x /x\n", Fire: true, Config: compat},
		{Name: "clean all", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n"},
		{Name: "microdnf clean all", Dockerfile: "FROM ubi9/ubi-minimal\nRUN microdnf install -y httpd && microdnf clean all\n"},
		{Name: "yum clean all cleans dnf", Dockerfile: "FROM rockylinux:9\nRUN dnf install -y httpd && yum clean all\n"},
		{Name: "rm cache", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd && rm -rf /var/cache/dnf\n"},
		{Name: "cache mount", Dockerfile: "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd\n"},
		{Name: "build stage", Dockerfile: "FROM fedora:40 AS b\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=b /x /x\n"},
		{Name: "quoted", Dockerfile: "FROM fedora:40\nRUN echo 'dnf install -y x'\n"},
		{Name: "exec form sh -c", Dockerfile: "FROM fedora:40\nRUN [\"/bin/sh\", \"-c\", \"dnf install -y httpd && dnf clean all\"]\n"},
		{Name: "heredoc cleans", Dockerfile: "FROM fedora:40\nRUN <<EOF\ndnf install -y httpd\ndnf clean all\nEOF\n"},
		{Name: "continuation cleans", Dockerfile: "FROM fedora:40\nRUN dnf install -y \\\n  httpd \\\n  && dnf clean all\n"},
		{Name: "or chain", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd || true; dnf clean all\n"},
		{Name: "clean packages under compat", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd; dnf clean packages\n", Config: compat},
		{Name: "makecache only", Dockerfile: "FROM fedora:40\nRUN dnf makecache\n"},
	}
	cases = append(cases, hadolintCases(true, "RUN dnf install -y mariadb-10.4", "RUN microdnf install -y mariadb-10.4",
		"RUN dnf install -y mariadb-10.4 && microdnf clean all")...)
	cases = append(cases, hadolintCases(false, "RUN dnf install -y mariadb-10.4 && dnf clean all",
		"RUN microdnf install -y mariadb-10.4 && microdnf clean all", "RUN notdnf install mariadb",
		"RUN dnf install -y mariadb-10.4 && rm -rf /var/cache/yum/*", "RUN microdnf install -y mariadb-10.4 && rm -rf /var/cache/yum/*")...)
	runCases(t, DL3040, cases)
}
