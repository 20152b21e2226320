package rules

import "testing"

func TestDL3060(t *testing.T) {
	runCases(t, DL3060, []Case{
		{Name: "no clean", Dockerfile: "FROM node:22\nRUN yarn install\n", Fire: true, Lines: []int{2}},
		{Name: "clean in next RUN", Dockerfile: "FROM node:22\nRUN yarn install\nRUN yarn cache clean\n", Fire: true, Lines: []int{2}},
		{Name: "options first", Dockerfile: "FROM node:22\nRUN yarn --cwd /app install --production\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM node:22\nRUN <<EOF\nyarn install\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "cache clean", Dockerfile: "FROM node:22\nRUN yarn install --frozen-lockfile && yarn cache clean\n"},
		{Name: "rm cache", Dockerfile: "FROM node:22\nRUN yarn install && rm -rf /usr/local/share/.cache/yarn\n"},
		{Name: "cache mount", Dockerfile: "FROM node:22\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n"},
		{Name: "build stage", Dockerfile: "FROM node:22 AS b\nRUN yarn install && yarn build\nFROM nginx:1\nCOPY --from=b /app/dist /usr/share/nginx/html\n"},
		{Name: "yarn build", Dockerfile: "FROM node:22\nRUN yarn build\n"},
		{Name: "quoted", Dockerfile: "FROM node:22\nRUN echo 'yarn install'\n"},
	})
}
