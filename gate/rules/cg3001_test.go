package rules

import "testing"

func TestCG3001(t *testing.T) {
	const from = "FROM debian:12\n"
	runCases(t, CG3001, []Case{
		{Name: "curl | sh", Dockerfile: from + "RUN curl -fsSL https://x/install.sh | sh\n", Fire: true, Lines: []int{2}},
		{Name: "curl | sudo -E bash -", Dockerfile: from + "RUN curl -fsSL https://deb.nodesource.com/setup_22.x | sudo -E bash -\n", Fire: true},
		{Name: "wget -qO- | bash", Dockerfile: from + "RUN wget -qO- https://x/i.sh | bash\n", Fire: true},
		{Name: "wget -O - | sh -s", Dockerfile: from + "RUN wget -O - https://x/i.sh | sh -s -- --yes\n", Fire: true},
		{Name: "curl | python3 -", Dockerfile: from + "RUN curl -sSL https://install.python-poetry.org | python3 -\n", Fire: true},
		{Name: "through tee", Dockerfile: from + "RUN curl -fsSL https://x/i.sh | tee /tmp/i.sh | sh\n", Fire: true},
		{Name: "multi-line", Dockerfile: from + "RUN apt-get update \\\n && curl -fsSL https://x/i.sh \\\n | bash\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc script", Dockerfile: from + "RUN <<EOF\nset -e\ncurl -fsSL https://x/i.sh | sh\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "sh -c string", Dockerfile: from + "RUN sh -c 'curl -fsSL https://x/i.sh | sh'\n", Fire: true},
		{Name: "exec form sh -c", Dockerfile: from + "RUN [\"/bin/sh\", \"-c\", \"curl -fsSL https://x/i.sh | sh\"]\n", Fire: true},
		{Name: "sh -c $(curl)", Dockerfile: from + "RUN sh -c \"$(curl -fsSL https://x/i.sh)\"\n", Fire: true, Lines: []int{2}},
		{Name: "bash <(curl)", Dockerfile: from + "RUN bash <(curl -s https://x/i.sh)\n", Fire: true},
		{Name: "eval $(wget)", Dockerfile: from + "RUN eval \"$(wget -qO- https://x/env.sh)\"\n", Fire: true},
		{Name: "curl -o - | sh", Dockerfile: from + "RUN curl -fsSL -o - https://x/i.sh | sh\n", Fire: true},
		{Name: "verified download", Dockerfile: from + "RUN curl -fsSLo /tmp/i.sh https://x/i.sh && echo 'abc  /tmp/i.sh' | sha256sum -c - && sh /tmp/i.sh\n"},
		{Name: "curl | tar", Dockerfile: from + "RUN curl -fsSL https://x/a.tgz | tar -xz -C /opt\n"},
		{Name: "curl | python -c json", Dockerfile: from + "RUN curl -s https://api/x | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"v\"])'\n"},
		{Name: "curl | bash -c", Dockerfile: from + "RUN curl -s https://api/x | bash -c 'read v; echo $v'\n"},
		{Name: "curl -O | sh", Dockerfile: from + "RUN curl -fsSLO https://x/i.sh | sh\n"},
		{Name: "curl -o file | sh", Dockerfile: from + "RUN curl -fsSLo /tmp/x https://x/i.sh | sh\n"},
		{Name: "wget to file | sh", Dockerfile: from + "RUN wget https://x/i.sh | sh\n"},
		{Name: "quoted pipe", Dockerfile: from + "RUN echo 'curl https://x | sh'\n"},
		{Name: "gpg dearmor", Dockerfile: from + "RUN curl -fsSL https://x/key.gpg | gpg --dearmor -o /etc/apt/keyrings/x.gpg\n"},
		{Name: "sh script file", Dockerfile: from + "RUN curl -s https://x/data | sh /opt/consume.sh\n"},
		{Name: "sh -c without download", Dockerfile: from + "RUN sh -c \"$(cat /tmp/x.sh)\"\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS x\nRUN curl -fsSL https://x/i.sh | sh\nFROM scratch\n"},
	})
}
