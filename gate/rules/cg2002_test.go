package rules

import "testing"

func TestCG2002(t *testing.T) {
	const from = "FROM node:22-slim\n"
	runCases(t, CG2002, []Case{
		{Name: "ENV node", Dockerfile: from + "ENV NODE_TLS_REJECT_UNAUTHORIZED=0\n", Fire: true, Lines: []int{2}},
		{Name: "ENV legacy form", Dockerfile: from + "ENV NODE_TLS_REJECT_UNAUTHORIZED 0\n", Fire: true},
		{Name: "ENV quoted among others", Dockerfile: from + "ENV A=1 PYTHONHTTPSVERIFY=\"0\"\n", Fire: true},
		{Name: "ARG default", Dockerfile: from + "ARG GIT_SSL_NO_VERIFY=1\n", Fire: true},
		{Name: "global ARG", Dockerfile: "ARG GOSUMDB=off\n" + from, Fire: true, Lines: []int{1}},
		{Name: "ENV from ARG", Dockerfile: from + "ARG TLS=0\nENV NODE_TLS_REJECT_UNAUTHORIZED=${TLS}\n", Fire: true, Lines: []int{3}},
		{Name: "inline assignment", Dockerfile: from + "RUN NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci\n", Fire: true, Lines: []int{2}},
		{Name: "env prefix", Dockerfile: from + "RUN env NODE_TLS_REJECT_UNAUTHORIZED=0 npm ci\n", Fire: true},
		{Name: "export in heredoc", Dockerfile: from + "RUN <<EOF\nexport PIP_TRUSTED_HOST=pypi.org\npip install x\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "GOINSECURE", Dockerfile: "FROM golang:1.26\nENV GOINSECURE=git.example.com\n", Fire: true},
		{Name: "GOFLAGS insecure", Dockerfile: "FROM golang:1.26\nENV GOFLAGS=\"-mod=mod -insecure\"\n", Fire: true},
		{Name: "npm env", Dockerfile: from + "ENV NPM_CONFIG_STRICT_SSL=false\n", Fire: true},
		{Name: "reject unauthorized 1", Dockerfile: from + "ENV NODE_TLS_REJECT_UNAUTHORIZED=1\n"},
		{Name: "GIT_SSL_NO_VERIFY false", Dockerfile: from + "ENV GIT_SSL_NO_VERIFY=false\n"},
		{Name: "ARG without default", Dockerfile: from + "ARG NODE_TLS_REJECT_UNAUTHORIZED\n"},
		{Name: "GOSUMDB other", Dockerfile: "FROM golang:1.26\nENV GOSUMDB=sum.golang.org GOPRIVATE=git.example.com\n"},
		{Name: "extra CA", Dockerfile: from + "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/ca.crt\n"},
		{Name: "quoted text", Dockerfile: from + "RUN echo \"NODE_TLS_REJECT_UNAUTHORIZED=0 is dangerous\"\n"},
		{Name: "stage not built", Dockerfile: from[:len(from)-1] + " AS dev\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\nFROM node:22-slim\n"},
		{Name: "unknown ARG value", Dockerfile: from + "ARG TLS\nENV NODE_TLS_REJECT_UNAUTHORIZED=${TLS}\n"},
	})
}
