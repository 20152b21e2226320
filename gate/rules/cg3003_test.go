package rules

import "testing"

func TestCG3003(t *testing.T) {
	const from = "FROM debian:12\n"
	runCases(t, CG3003, []Case{
		{Name: "curl -o then sh", Dockerfile: from + "RUN curl -fsSLo /tmp/i.sh https://x/i.sh && sh /tmp/i.sh\n", Fire: true, Lines: []int{2}},
		{Name: "get-pip", Dockerfile: from + "RUN curl -fsSL https://bootstrap.pypa.io/get-pip.py -o get-pip.py && python3 get-pip.py\n", Fire: true},
		{Name: "curl -O then ./", Dockerfile: from + "RUN cd /tmp && curl -fsSLO https://x/install.sh && chmod +x install.sh && ./install.sh\n", Fire: true},
		{Name: "wget then dpkg", Dockerfile: from + "RUN wget -q https://x/tool_1.0_amd64.deb && dpkg -i tool_1.0_amd64.deb\n", Fire: true},
		{Name: "apt install local deb", Dockerfile: from + "RUN wget -O /tmp/t.deb https://x/t.deb && apt-get install -y /tmp/t.deb\n", Fire: true},
		{Name: "java -jar", Dockerfile: from + "RUN curl -o /opt/inst.jar https://x/inst.jar && java -jar /opt/inst.jar\n", Fire: true},
		{Name: "across RUNs", Dockerfile: from + "RUN curl -o /tmp/i.sh https://x/i.sh\nRUN bash /tmp/i.sh\n", Fire: true, Lines: []int{3}},
		{Name: "multi-line position", Dockerfile: from + "RUN curl -o /tmp/i.sh https://x/i.sh \\\n && sudo bash /tmp/i.sh\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: from + "RUN <<EOF\ncurl -o /tmp/i.sh https://x/i.sh\nsh /tmp/i.sh\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "sh -c string", Dockerfile: from + "RUN sh -c 'curl -o /tmp/i.sh https://x/i.sh && sh /tmp/i.sh'\n", Fire: true},
		{Name: "ARG path", Dockerfile: from + "ARG F=/tmp/i.sh\nRUN curl -o $F https://x/i.sh && sh $F\n", Fire: true},
		{Name: "verified after run", Dockerfile: from + "RUN curl -o /tmp/i.sh https://x/i.sh && sh /tmp/i.sh && sha256sum /tmp/i.sh\n", Fire: true},
		{Name: "sha256sum -c", Dockerfile: from + "RUN curl -o /tmp/i.sh https://x/i.sh && echo 'abc  /tmp/i.sh' | sha256sum -c - && sh /tmp/i.sh\n"},
		{Name: "gpg verify", Dockerfile: from + "RUN curl -O https://x/t.deb && curl -O https://x/t.deb.asc && gpg --verify t.deb.asc t.deb && dpkg -i t.deb\n"},
		{Name: "verified in later RUN", Dockerfile: from + "RUN curl -o /tmp/i.sh https://x/i.sh\nRUN echo \"abc  /tmp/i.sh\" | sha256sum -c -\nRUN sh /tmp/i.sh\n"},
		{Name: "unrelated file run", Dockerfile: from + "RUN curl -o /tmp/data.json https://x/d && sh /opt/setup.sh\n"},
		{Name: "stdout download", Dockerfile: from + "RUN curl -fsSL https://x/a.tgz | tar -xz && ./a/install.sh\n"},
		{Name: "python -c", Dockerfile: from + "RUN curl -o v.json https://x/v && python3 -c 'print(1)' v.json\n"},
		{Name: "chmod only", Dockerfile: from + "RUN curl -o /usr/local/bin/tool https://x/tool && chmod +x /usr/local/bin/tool\n"},
		{Name: "quoted text", Dockerfile: from + "RUN echo 'curl -o i.sh https://x && sh i.sh'\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS x\nRUN curl -o /i.sh https://x/i.sh && sh /i.sh\nFROM scratch\n"},
	})
}
