package rules

import "testing"

func TestDL3068(t *testing.T) {
	cases := []Case{
		{Name: "npm ci", Dockerfile: "FROM node:22\nRUN npm ci\n", Fire: true, Lines: []int{2}},
		{Name: "alias i", Dockerfile: "FROM node:22\nRUN npm i express\n", Fire: true},
		{Name: "option before subcommand", Dockerfile: "FROM node:22\nRUN npm --prefix /app install\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM node:22\nRUN <<EOF\nset -e\nnpm ci\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "exec form", Dockerfile: "FROM node:22\nRUN [\"npm\", \"ci\"]\n", Fire: true},
		{Name: "continuation and chain", Dockerfile: "FROM node:22\nRUN npm config set fund false && \\\n    npm ci || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "builder stage", Dockerfile: "FROM node:22 AS b\nRUN npm ci; npm run build\nFROM nginx:1\nCOPY --from=b /app/dist /usr/share/nginx/html\n", Fire: true, Lines: []int{2}},
		{Name: "sudo", Dockerfile: "FROM node:22\nRUN sudo npm install -g pnpm\n", Fire: true},
		{Name: "mount elsewhere", Dockerfile: "FROM node:22\nRUN --mount=type=cache,target=/wrong/path npm ci\n", Fire: true},
		{Name: "bind mount is no cache", Dockerfile: "FROM node:22\nRUN --mount=type=bind,target=/root/.npm npm ci\n", Fire: true},
		{Name: "cache mount", Dockerfile: "FROM node:22\nRUN --mount=type=cache,target=/root/.npm npm ci\n"},
		{Name: "node user cache", Dockerfile: "FROM node:22\nRUN --mount=type=cache,target=/home/node/.npm,uid=1000 npm ci\n"},
		{Name: "tmpfs", Dockerfile: "FROM node:22\nRUN --mount=type=tmpfs,target=/root/.npm npm install\n"},
		{Name: "npm run", Dockerfile: "FROM node:22\nRUN npm run build && npm test\n"},
		{Name: "npm run install script", Dockerfile: "FROM node:22\nRUN npm run install\n"},
		{Name: "quoted", Dockerfile: "FROM node:22\nRUN echo 'npm ci'\n"},
		{Name: "stage not built", Dockerfile: "FROM node:22 AS t\nRUN npm ci\nFROM node:22\nRUN true\n"},
		{Name: "npm run install under compat", Dockerfile: "FROM node:22\nRUN npm run install\n", Fire: true, Config: compat},
		{Name: "stage not built under compat", Dockerfile: "FROM node:22 AS t\nRUN npm ci\nFROM node:22\nRUN true\n", Fire: true, Config: compat},
	}
	cases = append(cases, hadolintCases(true, "RUN npm install", "RUN npm ci", "RUN npm install-ci-test", "RUN npm it",
		"RUN --mount=type=cache,target=/wrong/path npm install")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.npm npm install",
		"RUN --mount=type=tmpfs,target=/root/.npm npm ci")...)
	runCases(t, DL3068, cases)
}
