package rules

import "testing"

func TestDL3075(t *testing.T) {
	cases := []Case{
		{Name: "dir option", Dockerfile: "FROM node:22\nRUN pnpm -C /app install\n", Fire: true},
		{Name: "run script named add", Dockerfile: "FROM node:22\nRUN pnpm run add\n"},
		{Name: "run script under compat", Dockerfile: "FROM node:22\nRUN pnpm run add\n", Fire: true, Config: compat},
		{Name: "install", Dockerfile: "FROM node:22\nRUN pnpm install --frozen-lockfile\n", Fire: true, Lines: []int{2}},
		{Name: "i chain", Dockerfile: "FROM node:22\nRUN corepack enable && pnpm i --prod\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM node:22\nRUN pnpm fetch \\\n    --prod || true\n", Fire: true, Lines: []int{2}},
		{Name: "heredoc", Dockerfile: "FROM node:22\nRUN <<EOF\npnpm add lodash\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM node:22\nRUN [\"pnpm\", \"install\"]\n", Fire: true},
		{Name: "build stage copied from", Dockerfile: "FROM node:22 AS b\nRUN pnpm install && pnpm build\nFROM nginx:1\nCOPY --from=b /app/dist /usr/share/nginx/html\n", Fire: true, Lines: []int{2}},
		{Name: "cache mount with id", Dockerfile: "FROM node:22\nENV PNPM_HOME=/pnpm\nRUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm install\n"},
		{Name: "PNPM_HOME mounted", Dockerfile: "FROM node:22\nENV PNPM_HOME=/cache/p\nRUN --mount=type=cache,target=/cache pnpm install\n"},
		{Name: "pnpm build", Dockerfile: "FROM node:22\nRUN pnpm build\n"},
		{Name: "stage not built", Dockerfile: "FROM node:22 AS t\nRUN pnpm install\nFROM nginx:1\n"},
		{Name: "quoted", Dockerfile: "FROM node:22\nRUN echo pnpm install\n"},
		{Name: "PNPM_HOME under compat", Dockerfile: "FROM node:22\nENV PNPM_HOME=/cache/p\nRUN --mount=type=cache,target=/cache pnpm install\n", Fire: true, Config: compat},
	}
	// Ported from hadolint's DL3075Spec.
	cases = append(cases, hadolintCases(true, "RUN pnpm install", "RUN pnpm add lodash", "RUN --mount=type=cache,target=/wrong/path pnpm install")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.local/share/pnpm/store pnpm install",
		"RUN --mount=type=tmpfs,target=/root/.local/share/pnpm/store pnpm install")...)
	runCases(t, DL3075, cases)
}
