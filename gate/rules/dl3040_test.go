package rules

import "testing"

func TestDL3040(t *testing.T) {
	runCases(t, DL3040, []Case{
		{Name: "no clean", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd\n", Fire: true, Lines: []int{2}},
		{Name: "microdnf", Dockerfile: "FROM ubi9/ubi-minimal\nRUN microdnf install -y httpd\n", Fire: true},
		{Name: "clean in next RUN", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd\nRUN dnf clean all\n", Fire: true, Lines: []int{2}},
		{Name: "clean all", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd && dnf clean all\n"},
		{Name: "microdnf clean all", Dockerfile: "FROM ubi9/ubi-minimal\nRUN microdnf install -y httpd && microdnf clean all\n"},
		{Name: "rm cache", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd && rm -rf /var/cache/dnf\n"},
		{Name: "cache mount", Dockerfile: "FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/dnf dnf install -y httpd\n"},
		{Name: "build stage", Dockerfile: "FROM fedora:40 AS b\nRUN dnf install -y gcc\nFROM scratch\nCOPY --from=b /x /x\n"},
		{Name: "quoted", Dockerfile: "FROM fedora:40\nRUN echo 'dnf install -y x'\n"},
	})
}
