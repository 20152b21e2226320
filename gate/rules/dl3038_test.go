package rules

import "testing"

func TestDL3038(t *testing.T) {
	cases := []Case{
		{Name: "no -y", Dockerfile: "FROM fedora:40\nRUN dnf install httpd\n", Fire: true, Lines: []int{2}},
		{Name: "microdnf", Dockerfile: "FROM ubi9/ubi-minimal\nRUN microdnf install httpd\n", Fire: true},
		{Name: "sudo module install", Dockerfile: "FROM fedora:40\nRUN sudo dnf module install nodejs:18\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM fedora:40\nRUN <<EOF\ndnf install httpd\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "-y", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd\n"},
		{Name: "assumeyes before", Dockerfile: "FROM fedora:40\nRUN dnf --assumeyes install httpd\n"},
		{Name: "cluster", Dockerfile: "FROM fedora:40\nRUN dnf -qy install httpd\n"},
		{Name: "makecache", Dockerfile: "FROM fedora:40\nRUN dnf makecache\n"},
		{Name: "quoted", Dockerfile: "FROM fedora:40\nRUN echo 'dnf install httpd'\n"},
		{Name: "stage not built", Dockerfile: "FROM fedora:40 AS x\nRUN dnf install httpd\nFROM scratch\n"},
		{Name: "exec form and chain", Dockerfile: "FROM fedora:40\nRUN [\"dnf\", \"install\", \"httpd\"]\n", Fire: true},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3038Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN dnf install httpd-2.4.24 && dnf clean all")...)
	cases = append(cases, hadolintCases(false, "RUN dnf install -y httpd-2.4.24 && dnf clean all", "RUN notdnf install httpd")...)
	runCases(t, DL3038, cases)
}
