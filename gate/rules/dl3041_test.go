package rules

import "testing"

func TestDL3041(t *testing.T) {
	runCases(t, DL3041, []Case{
		{Name: "unpinned", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd\n", Fire: true, Lines: []int{2}},
		{Name: "microdnf", Dockerfile: "FROM ubi9/ubi-minimal\nRUN microdnf install -y python3-pip\n", Fire: true},
		{Name: "module", Dockerfile: "FROM fedora:40\nRUN sudo dnf -y module install nodejs\n", Fire: true},
		{Name: "pinned", Dockerfile: "FROM fedora:40\nRUN dnf install -y httpd-2.4.62\n"},
		{Name: "module stream", Dockerfile: "FROM fedora:40\nRUN dnf -y module install nodejs:18\n"},
		{Name: "group", Dockerfile: "FROM fedora:40\nRUN dnf install -y @development-tools\n"},
		{Name: "unknown ARG", Dockerfile: "FROM fedora:40\nARG P\nRUN dnf install -y $P\n"},
		{Name: "stage not built", Dockerfile: "FROM fedora:40 AS x\nRUN dnf install -y httpd\nFROM scratch\n"},
		{Name: "quoted", Dockerfile: "FROM fedora:40\nRUN echo 'dnf install httpd'\n"},
	})
}
