package rules

import "testing"

func TestDL3062(t *testing.T) {
	runCases(t, DL3062, []Case{
		{Name: "no version", Dockerfile: "FROM golang:1.23\nRUN go install github.com/x/y/cmd/z\n", Fire: true, Lines: []int{2}},
		{Name: "latest", Dockerfile: "FROM golang:1.23\nRUN go install -v github.com/x/y@latest\n", Fire: true},
		{Name: "flags with values", Dockerfile: "FROM golang:1.23\nRUN go install -tags netgo -ldflags '-s -w' github.com/x/y\n", Fire: true},
		{Name: "ARG resolves to latest", Dockerfile: "FROM golang:1.23\nARG V=latest\nRUN go install github.com/x/y@$V\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM golang:1.23\nRUN <<EOF\ngo install github.com/x/y\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "pinned", Dockerfile: "FROM golang:1.23\nRUN go install github.com/x/y@v1.2.3\n"},
		{Name: "ARG version", Dockerfile: "FROM golang:1.23\nARG V=v1.2.3\nRUN go install github.com/x/y@${V}\n"},
		{Name: "unknown ARG", Dockerfile: "FROM golang:1.23\nARG V\nRUN go install github.com/x/y@$V\n"},
		{Name: "local", Dockerfile: "FROM golang:1.23\nRUN go install ./cmd/... && go install\n"},
		{Name: "std", Dockerfile: "FROM golang:1.23\nRUN go install cmd/vet\n"},
		{Name: "go get", Dockerfile: "FROM golang:1.23\nRUN go get github.com/x/y\n"},
		{Name: "stage not built", Dockerfile: "FROM golang:1.23 AS t\nRUN go install github.com/x/y\nFROM scratch\n"},
		{Name: "quoted", Dockerfile: "FROM golang:1.23\nRUN echo 'go install github.com/x/y'\n"},
	})
}
