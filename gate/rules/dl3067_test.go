package rules

import "testing"

func TestDL3067(t *testing.T) {
	const build = "FROM golang:1.23 AS build\nRUN go build -o /out/app .\nFROM scratch\n"
	cases := []Case{
		{Name: "root to root", Dockerfile: build + "COPY --from=build / /\n", Fire: true, Lines: []int{4}},
		{Name: "dot", Dockerfile: build + "COPY --from=build /. /\n", Fire: true},
		{Name: "ARG root", Dockerfile: build + "ARG ROOT=/\nCOPY --from=build ${ROOT} /\n", Fire: true},
		{Name: "JSON form", Dockerfile: build + "COPY --from=build [\"/\", \"/\"]\n", Fire: true},
		{Name: "with other flags and sources", Dockerfile: build + "COPY --link --from=build /out/app / /\n", Fire: true},
		{Name: "external image", Dockerfile: "FROM scratch\nCOPY --from=alpine:3 / /\n", Fire: true},
		{Name: "line continuation", Dockerfile: build + "COPY --from=build \\\n  / \\\n  /\n", Fire: true},
		{Name: "stage not shipped", Dockerfile: "FROM alpine:3 AS a\nFROM alpine:3 AS b\nCOPY --from=a / /\nFROM scratch\n", Fire: true},
		{Name: "files only", Dockerfile: build + "COPY --from=build /out/app /app\n"},
		{Name: "into a directory", Dockerfile: build + "COPY --from=build / /rootfs/\n"},
		{Name: "directory into root", Dockerfile: build + "COPY --from=build /out/ /\n"},
		{Name: "context root", Dockerfile: "FROM scratch\nCOPY . /\n"},
		{Name: "unknown ARG", Dockerfile: build + "ARG SRC\nCOPY --from=build ${SRC} /\n"},
		{Name: "dot under compat", Dockerfile: build + "COPY --from=build /. /\n", Config: compat},
	}
	cases = append(cases, hadolintCases(true, "COPY --from=build / /", "COPY --from=build \"/\" \"/\"")...)
	cases = append(cases, hadolintCases(false, "COPY / /", "COPY --from=build /app /", "COPY --from=build / /app")...)
	runCases(t, DL3067, cases)
}
