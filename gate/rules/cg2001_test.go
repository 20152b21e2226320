package rules

import "testing"

func TestCG2001(t *testing.T) {
	const from = "FROM debian:12\n"
	runCases(t, CG2001, []Case{
		{Name: "curl -k", Dockerfile: from + "RUN curl -k https://x/y -o /y\n", Fire: true, Lines: []int{2}},
		{Name: "curl bundled", Dockerfile: from + "RUN curl -fsSLk https://x/y | tar -x\n", Fire: true},
		{Name: "curl --insecure", Dockerfile: from + "RUN curl --insecure https://x/y\n", Fire: true},
		{Name: "sudo curl", Dockerfile: from + "RUN sudo -E curl -k https://x/y\n", Fire: true},
		{Name: "exec form", Dockerfile: from + "RUN [\"curl\", \"-k\", \"https://x/y\"]\n", Fire: true},
		{Name: "multi-line points at command", Dockerfile: from + "RUN apt-get update \\\n && curl -k https://x/y\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc script", Dockerfile: from + "RUN <<EOF\nset -e\nwget --no-check-certificate https://x/y\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "sh -c string", Dockerfile: from + "RUN sh -c 'curl -k https://x/y'\n", Fire: true},
		{Name: "wget -e", Dockerfile: from + "RUN wget -e check_certificate=off https://x/y\n", Fire: true},
		{Name: "git -c", Dockerfile: from + "RUN git -c http.sslVerify=false clone https://x/y.git\n", Fire: true},
		{Name: "git config", Dockerfile: from + "RUN git config --global http.sslVerify false\n", Fire: true},
		{Name: "npm config", Dockerfile: from + "RUN npm config set strict-ssl false\n", Fire: true},
		{Name: "yarn config", Dockerfile: from + "RUN yarn config set strict-ssl false\n", Fire: true},
		{Name: "pip trusted host", Dockerfile: from + "RUN pip install --trusted-host pypi.org flask\n", Fire: true},
		{Name: "python -m pip trusted host", Dockerfile: from + "RUN python3 -m pip install --trusted-host=pypi.org flask\n", Fire: true},
		{Name: "pip config", Dockerfile: from + "RUN pip config set global.trusted-host pypi.org\n", Fire: true},
		{Name: "conda", Dockerfile: from + "RUN conda config --set ssl_verify false\n", Fire: true},
		{Name: "apt option", Dockerfile: from + "RUN apt-get -o Acquire::https::Verify-Peer=false update\n", Fire: true},
		{Name: "apt conf echo", Dockerfile: from + "RUN echo 'Acquire::https::Verify-Peer \"false\";' > /etc/apt/apt.conf.d/99x\n", Fire: true},
		{Name: "wgetrc echo", Dockerfile: from + "RUN echo \"check_certificate = off\" >> ~/.wgetrc\n", Fire: true},
		{Name: "repo heredoc", Dockerfile: "FROM rockylinux:9\nRUN cat > /etc/yum.repos.d/x.repo <<EOF\n[x]\nbaseurl=https://x/\nsslverify=0\nEOF\n", Fire: true, Lines: []int{2}},
		{Name: "COPY heredoc npmrc", Dockerfile: "FROM node:22-slim\nCOPY <<EOF /root/.npmrc\nstrict-ssl=false\nEOF\n", Fire: true},
		{Name: "ARG expanded flag", Dockerfile: from + "ARG CURL_OPTS=-k\nRUN curl $CURL_OPTS https://x/y\n", Fire: true},
		{Name: "plain curl", Dockerfile: from + "RUN curl -fsSL https://x/y -o /y\n"},
		{Name: "curl -o k is a file", Dockerfile: from + "RUN curl -o k https://x/y && curl -sSLok https://x/y\n"},
		{Name: "curl header with -k text", Dockerfile: from + "RUN curl -H 'X-Flag: -k' https://x/y\n"},
		{Name: "quoted text", Dockerfile: from + "RUN echo 'never run curl -k or wget --no-check-certificate'\n"},
		{Name: "grep for insecure", Dockerfile: from + "RUN grep -- --insecure /etc/x || true\n"},
		{Name: "git sslVerify true", Dockerfile: from + "RUN git config --global http.sslVerify true\n"},
		{Name: "npm strict-ssl true", Dockerfile: from + "RUN npm config set strict-ssl true\n"},
		{Name: "pip index only", Dockerfile: from + "RUN pip install --index-url https://pypi.example.com/simple flask\n"},
		{Name: "stage not built", Dockerfile: "FROM debian:12 AS old\nRUN curl -k https://x/y\nFROM debian:12\n"},
		{Name: "script heredoc not double counted", Dockerfile: from + "RUN bash <<EOF\ncurl -fsSL https://x/y\nEOF\n"},
		{Name: "unknown variable", Dockerfile: from + "RUN curl $OPTS https://x/y\n"},
	})
}
