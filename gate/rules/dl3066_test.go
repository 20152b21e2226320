package rules

import "testing"

func TestDL3066(t *testing.T) {
	cases := []Case{
		{Name: "name", Dockerfile: "FROM alpine:3\nUSER app\n", Fire: true, Lines: []int{2}},
		{Name: "name with numeric group", Dockerfile: "FROM alpine:3\nUSER app:1000\n", Fire: true},
		{Name: "build stage", Dockerfile: "FROM alpine:3 AS b\nUSER builder\nRUN true\nFROM alpine:3\nUSER 1000\n", Fire: true, Lines: []int{2}},
		{Name: "ARG resolves to a name", Dockerfile: "FROM alpine:3\nARG U=app\nUSER $U\n", Fire: true, Lines: []int{3}},
		{Name: "root by name", Dockerfile: "FROM alpine:3\nUSER root\n", Fire: true},
		{Name: "unknown ARG under compat", Dockerfile: "FROM alpine:3\nARG U\nUSER $U\n", Fire: true, Config: compat},
		{Name: "ARG resolves to a uid", Dockerfile: "FROM alpine:3\nARG U=10001\nUSER ${U}:${U}\n"},
		{Name: "unknown ARG", Dockerfile: "FROM alpine:3\nARG U\nUSER $U\n"},
		{Name: "uid with group name", Dockerfile: "FROM alpine:3\nUSER 1000:app\n"},
		{Name: "uid 0 is numeric (DL3002 judges root)", Dockerfile: "FROM alpine:3\nUSER 0\n"},
		{Name: "ONBUILD USER, as hadolint", Dockerfile: "FROM alpine:3\nONBUILD USER app\nUSER 1000\n"},
		{Name: "name in RUN text", Dockerfile: "FROM alpine:3\nRUN echo USER app\nUSER 1000\n"},
	}
	cases = append(cases, hadolintCases(false, "USER 12345", "USER 1234:5678")...)
	cases = append(cases, hadolintCases(true, "USER foobar", "USER foobar:barfoo")...)
	runCases(t, DL3066, cases)
}
