package rules

import "testing"

func TestDL4006(t *testing.T) {
	runCases(t, DL4006, []Case{
		// Ported from hadolint's DL4006Spec.
		{Name: "hadolint: missing pipefail", Dockerfile: "FROM scratch\nRUN wget -O - https://some.site | wc -l > /number\n", Fire: true, Hadolint: true},
		{Name: "hadolint: no pipes", Dockerfile: "FROM scratch as build\nRUN wget -O - https://some.site && wc -l file > /number\n", Hadolint: true},
		{Name: "hadolint: -eo pipefail", Dockerfile: "FROM scratch as build\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", Hadolint: true},
		{Name: "hadolint: -e -o pipefail", Dockerfile: "FROM scratch as build\nSHELL [\"/bin/bash\", \"-e\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", Hadolint: true},
		{Name: "hadolint: -o errexit -o pipefail", Dockerfile: "FROM scratch as build\nSHELL [\"/bin/bash\", \"-o\", \"errexit\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", Hadolint: true},
		{Name: "hadolint: zsh", Dockerfile: "FROM scratch as build\nSHELL [\"/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", Hadolint: true},
		{Name: "hadolint: bash at another path", Dockerfile: "FROM scratch as build\nSHELL [\"/usr/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", Hadolint: true},
		{Name: "hadolint: powershell", Dockerfile: "FROM scratch as build\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value\n", Hadolint: true},
		{Name: "hadolint: cmd.exe", Dockerfile: "FROM mcr.microsoft.com/powershell:ubuntu-16.04\nSHELL [ \"cmd.exe\", \"/c\" ]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value\n", Hadolint: true},
		{Name: "hadolint: plain sh", Dockerfile: "FROM scratch as build\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", Fire: true, Hadolint: true},
		{Name: "hadolint: next image", Dockerfile: "FROM scratch as build\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\nFROM scratch as build2\nRUN wget -O - https://some.site | wc -l file > /number\n", Fire: true, Lines: []int{5}, Hadolint: true},
		{Name: "hadolint: next SHELL without pipefail", Dockerfile: "FROM scratch as build\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\nSHELL [\"/bin/sh\", \"-c\"]\nRUN wget -O - https://some.site | wc -l file > /number\n", Fire: true, Lines: []int{5}, Hadolint: true},
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
