package rules

import "testing"

func TestDL3009(t *testing.T) {
	cases := []Case{
		{Name: "no cleanup", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n", Fire: true, Lines: []int{2}},
		{Name: "cleanup in a later RUN", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n", Fire: true, Lines: []int{2}},
		{Name: "apt update", Dockerfile: "FROM debian:12\nRUN apt update\n", Fire: true},
		{Name: "parent of the target", Dockerfile: "FROM debian:12 AS base\nRUN apt-get update\nFROM base\nRUN true\n", Fire: true, Lines: []int{2}},
		{Name: "heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "cleaned", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"},
		{Name: "cleaned parent dir", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt\n"},
		{Name: "cleaned in heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nrm -rf /var/lib/apt/lists/*\nEOF\n"},
		{Name: "cache mount", Dockerfile: "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n"},
		{Name: "build stage copied from", Dockerfile: "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /a /a\n"},
		{Name: "quoted", Dockerfile: "FROM debian:12\nRUN echo 'apt-get update'\n"},
		{Name: "removing partial only is not cleaning", Dockerfile: "FROM debian:12\nRUN apt-get update && rm -rf /var/lib/apt/lists/partial\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"apt-get\", \"update\"]\n", Fire: true},
		{Name: "continuation and ; chain", Dockerfile: "FROM debian:12\nRUN apt-get update; \\\n    apt-get install -y curl || true\n", Fire: true, Lines: []int{2}},
		{Name: "rm of something else", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /tmp/*\n", Fire: true},
		{Name: "ONBUILD in an unused stage", Dockerfile: "FROM debian:12 AS x\nONBUILD RUN apt-get update\nFROM scratch\n", Fire: true},
		{Name: "rm -fr", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -fr /var/lib/apt/lists/*\n"},
		{Name: "cache mount on /var/lib/apt", Dockerfile: "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get update\n"},
		{Name: "rm of something else under compat", Dockerfile: "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /tmp/*\n", Config: compat},
		{Name: "exec form sh -c cleaned", Dockerfile: "FROM debian:12\nRUN [\"sh\", \"-c\", \"apt-get update && rm -rf /var/lib/apt/lists/*\"]\n"},
		// Ported from hadolint's DL3009Spec.
		{Name: "hadolint: no cleanup", Dockerfile: "FROM scratch\nRUN apt-get update && apt-get install python\n", Fire: true, Hadolint: true},
		{Name: "hadolint: ONBUILD no cleanup", Dockerfile: "FROM scratch\nONBUILD RUN apt-get update && apt-get install python\n", Fire: true, Hadolint: true},
		{Name: "hadolint: stage image", Dockerfile: "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM scratch\nRUN echo hey!\n", Hadolint: true},
		{Name: "hadolint: ONBUILD stage image", Dockerfile: "FROM ubuntu as foo\nONBUILD RUN apt-get update && apt-get install python\nFROM scratch\nRUN echo hey!\n", Fire: true, Hadolint: true},
		{Name: "hadolint: last stage", Dockerfile: "FROM ubuntu as foo\nRUN hey!\nFROM scratch\nRUN apt-get update && apt-get install python\n", Fire: true, Hadolint: true},
		{Name: "hadolint: intermediate stage", Dockerfile: "FROM ubuntu as foo\nRUN apt-get update && apt-get install python\nFROM foo\nRUN hey!\n", Fire: true, Hadolint: true},
		{Name: "hadolint: intermediate stage cleans", Dockerfile: "FROM ubuntu as foo\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\nFROM foo\nRUN hey!\n", Hadolint: true},
		{Name: "hadolint: cleanup", Dockerfile: "FROM scratch\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\n", Hadolint: true},
		{Name: "hadolint: ONBUILD cleanup", Dockerfile: "FROM scratch\nONBUILD RUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\n", Hadolint: true},
		{Name: "hadolint: cache mount lists", Dockerfile: "FROM scratch\nRUN --mount=type=cache,target=/var/lib/apt/lists \\\n    apt-get update && apt-get install python\n", Hadolint: true},
		{Name: "hadolint: ONBUILD cache mount lists", Dockerfile: "FROM scratch\nONBUILD RUN --mount=type=cache,target=/var/lib/apt/lists \\\n    apt-get update && apt-get install python\n", Hadolint: true},
		{Name: "hadolint: cache mounts apt 1", Dockerfile: "FROM scratch\nRUN --mount=type=cache,target=/var/lib/apt \\\n    --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python\n", Hadolint: true},
		{Name: "hadolint: cache mounts apt 2", Dockerfile: "FROM scratch\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=cache,target=/var/lib/apt \\\n    apt-get update && apt-get install foo\n", Hadolint: true},
		{Name: "hadolint: cache mount on apt cache only", Dockerfile: "FROM scratch\nRUN --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python\n", Fire: true, Hadolint: true},
		{Name: "hadolint: cache mount on /var/lib/apt only under compat", Dockerfile: "FROM scratch\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\nRUN --mount=type=cache,target=/var/lib/apt \\\n    apt-get update && apt-get install python\n", Fire: true, Config: compat},
	}
	runCases(t, DL3009, cases)
}
