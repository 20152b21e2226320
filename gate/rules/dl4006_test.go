package rules

import "testing"

func TestDL4006(t *testing.T) {
	runCases(t, DL4006, []Case{
		{Name: "pipe", Dockerfile: "FROM debian:12\nRUN wget -O - https://x | tar xz\n", Fire: true, Lines: []int{2}},
		{Name: "pipe on continuation line", Dockerfile: "FROM debian:12\nRUN apt-get update && \\\n    curl -f https://x | sh\n", Fire: true, Lines: []int{3}},
		{Name: "pipe in heredoc", Dockerfile: "FROM debian:12\nRUN <<EOF\nset -e\ncurl -f https://x | sh\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "pipe inside command substitution", Dockerfile: "FROM debian:12\nRUN echo $(cat a | sort)\n", Fire: true},
		{Name: "pipefail reset by new stage", Dockerfile: "FROM debian:12 AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM debian:12\nRUN a | b\n", Fire: true, Lines: []int{4}},
		{Name: "pipefail after pipe", Dockerfile: "FROM debian:12\nRUN a | b; set -o pipefail\n", Fire: true},
		{Name: "SHELL pipefail", Dockerfile: "FROM debian:12\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n"},
		{Name: "SHELL pipefail inherited from parent stage", Dockerfile: "FROM debian:12 AS a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM a\nRUN a | b\n"},
		{Name: "set -euo pipefail", Dockerfile: "FROM debian:12\nRUN set -euo pipefail; a | b\n"},
		{Name: "quoted pipe", Dockerfile: "FROM debian:12\nRUN echo 'a | b' && grep \"x|y\" f\n"},
		{Name: "logical or", Dockerfile: "FROM debian:12\nRUN a || b\n"},
		{Name: "exec form", Dockerfile: "FROM debian:12\nRUN [\"sh\", \"-c\", \"a | b\"]\n"},
		{Name: "powershell", Dockerfile: "FROM mcr.microsoft.com/powershell:7.4\nSHELL [\"pwsh\", \"-Command\"]\nRUN Get-Item x | Remove-Item\n"},
		{Name: "python heredoc", Dockerfile: "FROM python:3.12\nRUN python3 <<EOF\nprint('a | b')\nEOF\n"},
	})
}
