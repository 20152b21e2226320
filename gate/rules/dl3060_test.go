package rules

import "testing"

func TestDL3060(t *testing.T) {
	cases := []Case{
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
		{Name: "exec form", Dockerfile: "FROM node:22\nRUN [\"yarn\", \"install\"]\n", Fire: true},
		{Name: "clean before install", Dockerfile: "FROM node:22\nRUN yarn cache clean; yarn install\n", Fire: true},
		{Name: "continuation || chain", Dockerfile: "FROM node:22\nRUN yarn install \\\n    --frozen-lockfile || exit 1\n", Fire: true, Lines: []int{2}},
		{Name: "clean before install under compat", Dockerfile: "FROM node:22\nRUN yarn cache clean; yarn install\n", Config: compat},
		{Name: "continuation cleans", Dockerfile: "FROM node:22\nRUN yarn install \\\n && yarn cache clean\n"},
		// Ported from hadolint's DL3060Spec.
		{Name: "hadolint: last stage", Dockerfile: "FROM node:lts-alpine as foo\nRUN hey!\nFROM scratch\nRUN yarn install\n", Fire: true, Hadolint: true},
		{Name: "hadolint: inherited stage", Dockerfile: "FROM node:lts-alpine as foo\nRUN yarn install\nFROM foo\nRUN hey!\n", Fire: true, Hadolint: true},
		{Name: "hadolint: inherited stage cleans", Dockerfile: "FROM node:lts-alpine as foo\nRUN yarn install && yarn cache clean\nFROM foo\nRUN hey!\n", Hadolint: true},
		{Name: "hadolint: stage not reused", Dockerfile: "FROM node:lts-alpine as foo\nRUN yarn install foo\nFROM scratch\nRUN hey!\n", Hadolint: true},
		{Name: "hadolint: ONBUILD in stage not reused", Dockerfile: "FROM node:lts-alpine as foo\nONBUILD RUN yarn install foo\nFROM scratch\nRUN hey!\n", Fire: true, Hadolint: true},
	}
	cases = append(cases, hadolintCases(true, "RUN yarn install foo")...)
	cases = append(cases, hadolintCases(false, "RUN foo", "RUN yarn install bar && yarn cache clean")...)
	runCases(t, DL3060, cases)
}
