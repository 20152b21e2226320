package rules

import "testing"

func TestCG4001(t *testing.T) {
	const from = "FROM node:22-slim\n"
	runCases(t, CG4001, []Case{
		{Name: "ARG token", Dockerfile: from + "ARG NPM_TOKEN\n", Fire: true, Lines: []int{2}},
		{Name: "ENV password", Dockerfile: from + "ENV DB_PASSWORD=changeme\n", Fire: true},
		{Name: "ENV legacy form", Dockerfile: from + "ENV POSTGRES_PASSWORD secret\n", Fire: true},
		{Name: "AWS secret", Dockerfile: from + "ARG AWS_SECRET_ACCESS_KEY\n", Fire: true},
		{Name: "API key", Dockerfile: from + "ENV STRIPE_API_KEY=\"\"\n", Fire: true},
		{Name: "private key", Dockerfile: from + "ARG SSH_PRIVATE_KEY\n", Fire: true},
		{Name: "camelCase", Dockerfile: from + "ARG githubToken\n", Fire: true},
		{Name: "one of many", Dockerfile: from + "ENV A=1 CLIENT_SECRET=x B=2\n", Fire: true},
		{Name: "global ARG", Dockerfile: "ARG GITHUB_TOKEN\n" + from, Fire: true, Lines: []int{1}},
		{Name: "credentials", Dockerfile: from + "ARG GOOGLE_CREDENTIALS\n", Fire: true},
		{Name: "glued root pass", Dockerfile: from + "ENV LDAP_ROOTPASS=fsociety LDAP_DOMAIN=x\n", Fire: true},
		{Name: "glued password", Dockerfile: from + "ARG DBPASSWORD\n", Fire: true},
		{Name: "file reference", Dockerfile: from + "ENV DB_PASSWORD_FILE=/run/secrets/db\n"},
		{Name: "path", Dockerfile: from + "ENV GOOGLE_CREDENTIALS_PATH=/run/secrets/gcp.json\n"},
		{Name: "token url", Dockerfile: from + "ARG TOKEN_URL=https://auth.example.com/token\n"},
		{Name: "secret name", Dockerfile: from + "ENV SECRET_NAME=db-credentials\n"},
		{Name: "public key", Dockerfile: from + "ENV JWT_PUBLIC_KEY=/etc/jwt.pub\n"},
		{Name: "gpg key fingerprint", Dockerfile: from + "ENV GPG_KEY=0D96DF4D4110E5C43FBFB17F2D347EA6AA65421D\n"},
		{Name: "key id", Dockerfile: from + "ARG AWS_ACCESS_KEY_ID\n"},
		{Name: "keyring", Dockerfile: from + "ENV APT_KEYRING=/etc/apt/keyrings/x.gpg\n"},
		{Name: "plain names", Dockerfile: from + "ARG VERSION=1\nENV PATH=/app:$PATH PASS=1 NODE_ENV=production\n"},
		{Name: "passthrough words", Dockerfile: from + "ENV BYPASS_CACHE=1 COMPASS_HOME=/c\n"},
		{Name: "switches about passwords", Dockerfile: from + "ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes MYSQL_RANDOM_ROOT_PASSWORD=1\n"},
		{Name: "tokenizers", Dockerfile: from + "ENV TOKENIZERS_PARALLELISM=false KEEPASSXC_VERSION=2.5\n"},
		{Name: "secret mount", Dockerfile: from + "RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci\n"},
		{Name: "RUN text", Dockerfile: from + "RUN echo ARG NPM_TOKEN\n"},
		{Name: "stage not built", Dockerfile: "FROM node:22 AS dev\nARG NPM_TOKEN\nFROM node:22-slim\n"},
	})
}
