package rules

import "testing"

func TestDL3062(t *testing.T) {
	cases := []Case{
		{Name: "no version", Dockerfile: "FROM golang:1.23\nRUN go install github.com/x/y/cmd/z\n", Fire: true, Lines: []int{2}},
		{Name: "latest", Dockerfile: "FROM golang:1.23\nRUN go install -v github.com/x/y@latest\n", Fire: true},
		{Name: "branch", Dockerfile: "FROM golang:1.23\nRUN go install github.com/x/y@master\n", Fire: true},
		{Name: "flags with values", Dockerfile: "FROM golang:1.23\nRUN go install -tags netgo -ldflags '-s -w' github.com/x/y\n", Fire: true},
		{Name: "ARG resolves to latest", Dockerfile: "FROM golang:1.23\nARG V=latest\nRUN go install github.com/x/y@$V\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM golang:1.23\nRUN <<EOF\ngo install github.com/x/y\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "go get", Dockerfile: "FROM golang:1.23\nRUN go get -u github.com/x/y\n", Fire: true},
		{Name: "go get -tool", Dockerfile: "FROM golang:1.24\nRUN go get -tool golang.org/x/tools/cmd/stringer\n", Fire: true},
		{Name: "go run", Dockerfile: "FROM golang:1.23\nRUN go run github.com/x/y@latest -flag arg\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM golang:1.23\nRUN [\"go\", \"install\", \"github.com/x/y\"]\n", Fire: true},
		{Name: "continuation and chain", Dockerfile: "FROM golang:1.23\nRUN go mod download && \\\n    go install github.com/x/y; true\n", Fire: true, Lines: []int{3}},
		{Name: "multi-stage builder", Dockerfile: "FROM golang:1.23 AS b\nRUN go install github.com/x/y\nFROM scratch\nCOPY --from=b /go/bin/y /y\n", Fire: true},
		{Name: "std under compat", Dockerfile: "FROM golang:1.23\nRUN go install foobar\n", Fire: true, Config: compat},
		{Name: "pinned", Dockerfile: "FROM golang:1.23\nRUN go install github.com/x/y@v1.2.3\n"},
		{Name: "ARG version", Dockerfile: "FROM golang:1.23\nARG V=v1.2.3\nRUN go install github.com/x/y@${V}\n"},
		{Name: "unknown ARG", Dockerfile: "FROM golang:1.23\nARG V\nRUN go install github.com/x/y@$V\n"},
		{Name: "local", Dockerfile: "FROM golang:1.23\nRUN go install ./cmd/... && go install\n"},
		{Name: "std", Dockerfile: "FROM golang:1.23\nRUN go install cmd/vet\n"},
		{Name: "go build", Dockerfile: "FROM golang:1.23\nRUN go build -o /app ./cmd/app || go mod tidy\n"},
		{Name: "go run pinned with args", Dockerfile: "FROM golang:1.23\nRUN go run github.com/x/y@v1.2.3 github.com/other/pkg\n"},
		{Name: "stage not built", Dockerfile: "FROM golang:1.23 AS t\nRUN go install github.com/x/y\nFROM scratch\n"},
		{Name: "quoted", Dockerfile: "FROM golang:1.23\nRUN echo 'go install github.com/x/y'\n"},
		{Name: "branch under compat", Dockerfile: "FROM golang:1.23\nRUN go install github.com/x/y@main\n", Config: compat},
	}
	cases = append(cases, hadolintCases(true, "RUN go install example.com/pkg", "RUN go install example.com/pkg@latest",
		"RUN go get example.com/pkg", "RUN go get example.com/pkg@latest", "RUN go run example.com/pkg", "RUN go run example.com/pkg@latest")...)
	cases = append(cases, hadolintCases(false, "RUN go install example.com/pkg@v1.2.3", "RUN go install /go/app/foobar",
		"RUN go install ./app/foobar", "RUN go install .", "RUN go install tool foobar@v1.2.3", "RUN go get example.com/pkg@v1.2.3",
		"RUN go get -tool foobar@v1.2.3", "RUN go run example.com/pkg@v1.2.3", "RUN go run example.com/pkg@v1.2.3 -f",
		"RUN go run example.com/pkg@v1.2.3 -foobar", "RUN go run example.com/pkg@v1.2.3 --foobar", "RUN go run example.com/pkg@v1.2.3 foobar",
		"RUN go run example.com/pkg@v1.2.3 --foo bar", "RUN go run /go/app/foobar", "RUN go run ./app/foobar", "RUN go run .")...)
	// hadolint also reports "go install tool foobar" and "go get -tool foobar"
	// (no dot: not a module path crank can ask to pin).
	for _, s := range []string{"RUN go install tool foobar", "RUN go install tool foobar@latest", "RUN go get -tool foobar", "RUN go get -tool foobar@latest"} {
		cases = append(cases, Case{Name: "hadolint compat/" + s, Dockerfile: "FROM golang:1.24\n" + s + "\n", Fire: true, Config: compat})
	}
	runCases(t, DL3062, cases)
}
