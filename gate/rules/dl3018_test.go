package rules

import "testing"

func TestDL3018(t *testing.T) {
	cases := []Case{
		{Name: "unpinned", Dockerfile: "FROM alpine:3\nRUN apk add --no-cache curl\n", Fire: true, Lines: []int{2}},
		{Name: "one unpinned", Dockerfile: "FROM alpine:3\nRUN apk add --no-cache curl=8.11.1-r0 git\n", Fire: true},
		{Name: "flags before add", Dockerfile: "FROM alpine:3\nRUN apk --no-cache add curl\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM alpine:3\nRUN <<EOF\napk add curl\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "pinned", Dockerfile: "FROM alpine:3\nRUN apk add --no-cache curl=8.11.1-r0 'git~=2.45'\n"},
		{Name: "virtual name", Dockerfile: "FROM alpine:3\nRUN apk add --no-cache --virtual .build-deps gcc=13.2.1-r0 && apk add -t .x musl-dev=1.2.5-r0\n"},
		{Name: "repository option", Dockerfile: "FROM alpine:3\nRUN apk add -X https://dl-cdn.alpinelinux.org/alpine/edge/testing curl=8\n"},
		{Name: "local apk", Dockerfile: "FROM alpine:3\nRUN apk add --allow-untrusted /tmp/pkg.apk\n"},
		{Name: "unknown variable", Dockerfile: "FROM alpine:3\nARG PKGS\nRUN apk add $PKGS\n"},
		{Name: "apk del", Dockerfile: "FROM alpine:3\nRUN apk del curl\n"},
		{Name: "stage not built", Dockerfile: "FROM alpine:3 AS dev\nRUN apk add curl\nFROM alpine:3\nRUN true\n"},
		{Name: "exec form and chain", Dockerfile: "FROM alpine:3\nRUN apk update; apk add \\\n    curl || true\n", Fire: true},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3018Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN apk add flex", "RUN apk add --no-cache \\\nflex=2.6.4-r1 \\\nlibffi \\\npython2=2.7.13-r1 \\\nlibbz2=1.0.6-r5")...)
	cases = append(cases, hadolintCases(false, "RUN apk add flex=2.6.4-r1", "RUN apk add --no-cache git~2.52.0", "RUN apk add --no-cache flex=2.6.4-r1 \\\n && pip install -r requirements.txt", "RUN apk add --no-cache \\\nflex=2.6.4-r1 \\\nlibffi=3.2.1-r3 \\\npython2=2.7.13-r1 \\\nlibbz2=1.0.6-r5", "RUN apk add \\\n--virtual build-dependencies \\\npython-dev=1.1.1 build-base=2.2.2 wget=3.3.3 \\\n&& pip install -r requirements.txt \\\n&& python setup.py install \\\n&& apk del build-dependencies", "RUN apk add --no-cache \\\n--repository https://nl.alpinelinux.org/alpine/edge/testing \\\nflow=0.78.0-r0", "RUN apk add --no-cache \\\n--repository=https://nl.alpinelinux.org/alpine/edge/testing \\\nflow=0.78.0-r0", "RUN apk add --no-cache \\\n-X https://nl.alpinelinux.org/alpine/edge/testing \\\nflow=0.78.0-r0", "RUN apk add mypackage-1.1.1.apk")...)
	runCases(t, DL3018, cases)
}
