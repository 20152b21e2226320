package rules

import "testing"

func TestDL3070(t *testing.T) {
	cases := []Case{
		{Name: "go build", Dockerfile: "FROM golang:1.23\nRUN go build -o /app .\n", Fire: true, Lines: []int{2}},
		{Name: "-C dir", Dockerfile: "FROM golang:1.23\nRUN go -C /src build ./...\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM golang:1.23\nRUN <<EOF\ngo mod download\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM golang:1.23\nRUN [\"go\", \"test\", \"./...\"]\n", Fire: true},
		{Name: "continuation and chain", Dockerfile: "FROM golang:1.23\nRUN go version; \\\n    go mod download && go build ./... || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "builder stage", Dockerfile: "FROM golang:1.23 AS b\nRUN go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n", Fire: true, Lines: []int{2}},
		{Name: "env prefix", Dockerfile: "FROM golang:1.23\nRUN CGO_ENABLED=0 go build -o /app .\n", Fire: true},
		{Name: "both mounts", Dockerfile: "FROM golang:1.23\nRUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build .\n"},
		{Name: "go run", Dockerfile: "FROM golang:1.23\nRUN go run ./gen build\n"},
		{Name: "go version", Dockerfile: "FROM golang:1.23\nRUN go version && go env\n"},
		{Name: "quoted", Dockerfile: "FROM golang:1.23\nRUN echo 'go build'\n"},
		{Name: "stage not built", Dockerfile: "FROM golang:1.23 AS t\nRUN go test ./...\nFROM golang:1.23\nRUN true\n"},
		{Name: "go run build under compat", Dockerfile: "FROM golang:1.23\nRUN go run ./gen build\n", Fire: true, Config: compat},
	}
	cases = append(cases, hadolintCases(true, "RUN go build ./...", "RUN go get github.com/foo/bar", "RUN go mod download",
		"RUN --mount=type=cache,target=/wrong/path go build ./...")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.cache/go-build go build ./...",
		"RUN --mount=type=cache,target=/go/pkg/mod go build ./...", "RUN --mount=type=tmpfs,target=/root/.cache/go-build go build ./...")...)
	runCases(t, DL3070, cases)
}
