package rules

import "testing"

func TestDL3001(t *testing.T) {
	cases := []Case{
		{Name: "service start", Dockerfile: "FROM debian:12\nRUN service mysql start\n", Fire: true, Lines: []int{2}},
		{Name: "ssh after sudo", Dockerfile: "FROM debian:12\nRUN sudo ssh host true\n", Fire: true},
		{Name: "ps in pipeline", Dockerfile: "FROM debian:12\nRUN ps aux | grep x\n", Fire: true},
		{Name: "on continuation line", Dockerfile: "FROM debian:12\nRUN true && \\\n    shutdown -h now\n", Fire: true, Lines: []int{3}},
		{Name: "in heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\nset -e\nmount -a\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"top\", \"-b\", \"-n1\"]\n", Fire: true},
		{Name: "installing vim", Dockerfile: "FROM debian:12\nRUN apt-get install -y vim openssh-client\n"},
		{Name: "quoted text", Dockerfile: "FROM debian:12\nRUN echo 'service ps kill'\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS dev\nRUN service ssh start\nFROM debian:12\nRUN true\n"},
		{Name: "CMD is not a RUN", Dockerfile: "FROM debian:12\nCMD service nginx start\n"},
		{Name: "kill without a background job", Dockerfile: "FROM debian:12\nRUN kill 1\n", Fire: true},
		{Name: "kill of own background job", Dockerfile: "FROM debian:12\nRUN TERM=xterm app & \\\n    pid=$!; sleep 10; kill $pid || true\n"},
		{Name: "killall is not kill", Dockerfile: "FROM debian:12\nRUN pkill -f x || true\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3001Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN top")...)
	cases = append(cases, hadolintCases(false, "RUN apt-get install ssh")...)
	runCases(t, DL3001, cases)
}
