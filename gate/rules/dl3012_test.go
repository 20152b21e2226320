package rules

import "testing"

func TestDL3012(t *testing.T) {
	runCases(t, DL3012, []Case{
		{Name: "two", Dockerfile: "FROM nginx:1\nHEALTHCHECK CMD true\nHEALTHCHECK CMD false\n", Fire: true, Lines: []int{3}},
		{Name: "three", Dockerfile: "FROM nginx:1\nHEALTHCHECK CMD a\nHEALTHCHECK NONE\nHEALTHCHECK CMD b\n", Fire: true, Lines: []int{3, 4}},
		{Name: "in a build stage", Dockerfile: "FROM nginx:1 AS a\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\nFROM nginx:1\n", Fire: true, Lines: []int{3}},
		{Name: "one", Dockerfile: "FROM nginx:1\nHEALTHCHECK CMD true\n"},
		{Name: "one per stage", Dockerfile: "FROM nginx:1 AS a\nHEALTHCHECK CMD a\nFROM a\nHEALTHCHECK CMD b\n"},
		{Name: "none", Dockerfile: "FROM nginx:1\nRUN echo HEALTHCHECK\n"},
		{Name: "exec form and shell form", Dockerfile: "FROM nginx:1\nHEALTHCHECK CMD [\"a\"]\nHEALTHCHECK --interval=5s CMD b || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "continuation", Dockerfile: "FROM nginx:1\nHEALTHCHECK --interval=5s \\\n  CMD a\nHEALTHCHECK NONE\n", Fire: true, Lines: []int{4}},
		{Name: "ONBUILD HEALTHCHECK", Dockerfile: "FROM nginx:1\nHEALTHCHECK CMD a\nONBUILD HEALTHCHECK CMD b\n"},
		{Name: "exec form one", Dockerfile: "FROM nginx:1\nHEALTHCHECK CMD [\"curl\", \"-f\", \"http://localhost/\"]\n"},
	})
}
