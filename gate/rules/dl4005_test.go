package rules

import "testing"

func TestDL4005(t *testing.T) {
	cases := []Case{
		{Name: "ln -sf", Dockerfile: "FROM debian:12\nRUN ln -sf /bin/bash /bin/sh\n", Fire: true, Lines: []int{2}},
		{Name: "sudo and heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\nrm /bin/sh\nsudo ln -s /bin/bash /bin/sh\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"ln\", \"-sf\", \"/bin/bash\", \"/bin/sh\"]\n", Fire: true},
		{Name: "SHELL", Dockerfile: "FROM debian:12\nSHELL [\"/bin/bash\", \"-c\"]\n"},
		{Name: "sh as source", Dockerfile: "FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/sh\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN echo 'ln -sf /bin/bash /bin/sh'\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS x\nRUN ln -sf /bin/bash /bin/sh\nFROM scratch\n"},
		{Name: "continuation chain", Dockerfile: "FROM debian:12\nRUN true && \\\n    ln -sf /bin/bash /bin/sh || true\n", Fire: true, Lines: []int{3}},
		{Name: "shipped build stage", Dockerfile: "FROM debian:12 AS b\nRUN ln -sf /bin/bash /bin/sh\nFROM b\n", Fire: true, Lines: []int{2}},
		{Name: "other link", Dockerfile: "FROM debian:12\nRUN ln -sf /usr/bin/python3 /usr/bin/python\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL4005Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN ln -sfv /bin/bash /bin/sh")...)
	cases = append(cases, hadolintCases(false, "RUN ln -sf /bin/true /sbin/initctl", "RUN ln -s foo bar && unrelated && something_with /bin/sh")...)
	runCases(t, DL4005, cases)
}
