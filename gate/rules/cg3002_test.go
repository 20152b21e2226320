package rules

import "testing"

func TestCG3002(t *testing.T) {
	const from = "FROM debian:12\n"
	const sum = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
	const commit = "0123456789abcdef0123456789abcdef01234567"
	runCases(t, CG3002, []Case{
		{Name: "ADD https", Dockerfile: from + "ADD https://example.com/x.tgz /tmp/\n", Fire: true, Lines: []int{2}},
		{Name: "ADD exec form", Dockerfile: from + "ADD [\"https://example.com/x.tgz\", \"/tmp/\"]\n", Fire: true},
		{Name: "ADD via ARG", Dockerfile: from + "ARG URL=https://example.com/x.tgz\nADD $URL /tmp/\n", Fire: true, Lines: []int{3}},
		{Name: "ADD with chown", Dockerfile: from + "ADD --chown=1000:1000 https://example.com/x /x\n", Fire: true},
		{Name: "git tag", Dockerfile: from + "ADD https://github.com/org/repo.git#v1.2.3 /src\n", Fire: true},
		{Name: "git branch keep-git-dir", Dockerfile: from + "ADD --keep-git-dir=true git@github.com:org/repo.git /src\n", Fire: true},
		{Name: "git short commit", Dockerfile: from + "ADD https://github.com/org/repo.git#0123456 /src\n", Fire: true},
		{Name: "checksum", Dockerfile: from + "ADD --checksum=" + sum + " https://example.com/x.tgz /tmp/\n"},
		{Name: "git commit", Dockerfile: from + "ADD https://github.com/org/repo.git#" + commit + " /src\n"},
		{Name: "git commit with subdir", Dockerfile: from + "ADD https://github.com/org/repo.git#" + commit + ":docs /src\n"},
		{Name: "git checksum", Dockerfile: from + "ADD --checksum=" + commit + " https://github.com/org/repo.git#main /src\n"},
		{Name: "local file", Dockerfile: from + "ADD app.tgz /opt/\n"},
		{Name: "COPY url-looking", Dockerfile: from + "COPY https-proxy.conf /etc/\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS x\nADD https://example.com/x /x\nFROM scratch\n"},
	})
}
