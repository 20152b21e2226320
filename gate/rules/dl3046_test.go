package rules

import "testing"

func TestDL3046(t *testing.T) {
	runCases(t, DL3046, []Case{
		{Name: "high uid", Dockerfile: "FROM debian:12\nRUN useradd -u 123456 app\n", Fire: true, Lines: []int{2}},
		{Name: "attached value", Dockerfile: "FROM debian:12\nRUN useradd -mu123456 app\n", Fire: true},
		{Name: "long option", Dockerfile: "FROM debian:12\nRUN useradd --uid=100000 app\n", Fire: true},
		{Name: "ARG uid", Dockerfile: "FROM debian:12\nARG UID=200000\nRUN useradd -u $UID app\n", Fire: true},
		{Name: "sudo", Dockerfile: "FROM debian:12\nRUN groupadd -g 200000 g && sudo useradd -m -g g -u 200000 app\n", Fire: true},
		{Name: "-l", Dockerfile: "FROM debian:12\nRUN useradd -l -u 123456 app\n"},
		{Name: "--no-log-init", Dockerfile: "FROM debian:12\nRUN useradd --no-log-init --uid 123456 app\n"},
		{Name: "cluster with l", Dockerfile: "FROM debian:12\nRUN useradd -lmu 123456 app\n"},
		{Name: "low uid", Dockerfile: "FROM debian:12\nRUN useradd -u 1000 app\n"},
		{Name: "unknown ARG", Dockerfile: "FROM debian:12\nARG UID\nRUN useradd -u $UID app\n"},
		{Name: "comment text", Dockerfile: "FROM debian:12\nRUN useradd -c 'uid 123456' app\n"},
		{Name: "build stage", Dockerfile: "FROM debian:12 AS b\nRUN useradd -u 123456 app\nFROM scratch\nCOPY --from=b /etc/passwd /etc/passwd\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN echo 'useradd -u 123456 app'\n"},
	})
}
