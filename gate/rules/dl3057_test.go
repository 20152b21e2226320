package rules

import "testing"

func TestDL3057(t *testing.T) {
	runCases(t, DL3057, []Case{
		{Name: "none", Dockerfile: "FROM nginx:1\nCMD nginx\n", Fire: true, Lines: []int{1}},
		{Name: "only in build stage", Dockerfile: "FROM nginx:1 AS b\nHEALTHCHECK CMD true\nFROM nginx:1\n", Fire: true, Lines: []int{3}},
		{Name: "present", Dockerfile: "FROM nginx:1\nHEALTHCHECK CMD curl -f http://localhost/\n"},
		{Name: "NONE", Dockerfile: "FROM nginx:1\nHEALTHCHECK NONE\n"},
		{Name: "in parent stage", Dockerfile: "FROM nginx:1 AS base\nHEALTHCHECK CMD true\nFROM base\n"},
		{Name: "target stage has one", Dockerfile: "FROM nginx:1 AS prod\nHEALTHCHECK CMD true\nFROM nginx:1 AS dev\n", Target: "prod"},
		{Name: "target without one", Dockerfile: "FROM nginx:1 AS prod\nHEALTHCHECK CMD true\nFROM nginx:1 AS dev\n", Target: "dev", Fire: true, Lines: []int{3}},
		{Name: "text in RUN", Dockerfile: "FROM nginx:1\nRUN echo HEALTHCHECK\n", Fire: true},
		{Name: "ONBUILD HEALTHCHECK", Dockerfile: "FROM nginx:1\nONBUILD HEALTHCHECK CMD true\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM nginx:1\nHEALTHCHECK --interval=5s \\\n  CMD curl -f http://localhost/ || exit 1\n"},
	})
}
