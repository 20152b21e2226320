package rules

import "testing"

func TestDL3004(t *testing.T) {
	cases := []Case{
		{Name: "sudo", Dockerfile: "FROM debian:12\nRUN sudo apt-get update\n", Fire: true, Lines: []int{2}},
		{Name: "sudo with options", Dockerfile: "FROM debian:12\nRUN sudo -E -u app make\n", Fire: true},
		{Name: "env then sudo", Dockerfile: "FROM debian:12\nRUN env FOO=1 sudo make\n", Fire: true},
		{Name: "sudo in heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\ntrue\nsudo make\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "bare sudo", Dockerfile: "FROM debian:12\nRUN sudo\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"sudo\", \"make\"]\n", Fire: true},
		{Name: "installing sudo", Dockerfile: "FROM debian:12\nRUN apt-get install -y sudo\n"},
		{Name: "configuring sudo", Dockerfile: "FROM debian:12\nRUN echo 'app ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/app\n"},
		{Name: "gosu", Dockerfile: "FROM debian:12\nRUN gosu app make\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS dev\nRUN sudo make\nFROM debian:12\nRUN true\n"},
		{Name: "sudo in a chain", Dockerfile: "FROM debian:12\nRUN true && \\\n    sudo make || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "sudo as an argument", Dockerfile: "FROM debian:12\nRUN usermod -aG sudo app; groupadd sudo-users\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3004Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN sudo apt-get update", "RUN apt-get update && sudo apt-get install")...)
	cases = append(cases, hadolintCases(false, "RUN apt-get install sudo")...)
	runCases(t, DL3004, cases)
}
