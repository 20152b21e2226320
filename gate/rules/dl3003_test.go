package rules

import "testing"

func TestDL3003(t *testing.T) {
	runCases(t, DL3003, []Case{
		{Name: "cd then make", Dockerfile: "FROM debian:12\nRUN cd /src && make\n", Fire: true, Lines: []int{2}},
		{Name: "reported once per RUN", Dockerfile: "FROM debian:12\nRUN cd /a && make && cd /b && make\n", Fire: true, Lines: []int{2}},
		{Name: "cd on continuation line", Dockerfile: "FROM debian:12\nRUN make && \\\n    cd /b\n", Fire: true, Lines: []int{3}},
		{Name: "cd in heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\ncd /src\nmake\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "cd in a shipped build stage", Dockerfile: "FROM debian:12 AS build\nRUN cd /src && make\nFROM scratch\nCOPY --from=build /src/a /a\n", Fire: true},
		{Name: "workdir", Dockerfile: "FROM debian:12\nWORKDIR /src\nRUN make\n"},
		{Name: "quoted cd", Dockerfile: "FROM debian:12\nRUN echo \"cd /src\" > /notes\n"},
		{Name: "make -C", Dockerfile: "FROM debian:12\nRUN make -C /src\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS tools\nRUN cd /src && make\nFROM debian:12\nRUN true\n"},
		{Name: "exec form sh -c", Dockerfile: "FROM debian:12\nRUN [\"sh\", \"-c\", \"cd /src && make\"]\n", Fire: true},
		{Name: "pushd is not cd", Dockerfile: "FROM debian:12\nRUN make; git -C /src pull || true\n"},
	})
}
