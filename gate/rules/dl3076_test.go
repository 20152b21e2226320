package rules

import "testing"

func TestDL3076(t *testing.T) {
	cases := []Case{
		{Name: "mix do", Dockerfile: "FROM elixir:1.17\nRUN mix do deps.get, compile\n", Fire: true},
		{Name: "mix do under compat", Dockerfile: "FROM elixir:1.17\nRUN mix do deps.get, compile\n", Fire: true, Config: compat},
		{Name: "deps.get", Dockerfile: "FROM elixir:1.17\nRUN mix deps.get --only prod\n", Fire: true, Lines: []int{2}},
		{Name: "chain", Dockerfile: "FROM elixir:1.17\nRUN mix local.hex --force && mix deps.compile\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM elixir:1.17\nENV MIX_ENV=prod\nRUN mix deps.get; \\\n    mix compile\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM elixir:1.17\nRUN <<EOF\nmix compile\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM elixir:1.17\nRUN [\"mix\", \"deps.get\"]\n", Fire: true},
		{Name: "build stage copied from", Dockerfile: "FROM elixir:1.17 AS b\nRUN mix deps.get && mix release\nFROM debian:12-slim\nCOPY --from=b /app/_build/prod/rel/app /app\n", Fire: true, Lines: []int{2}},
		{Name: "mix cache mount", Dockerfile: "FROM elixir:1.17\nRUN --mount=type=cache,target=/root/.mix mix compile\n"},
		{Name: "both mounts", Dockerfile: "FROM elixir:1.17\nRUN --mount=type=cache,target=/root/.hex --mount=type=cache,target=/root/.mix mix deps.get\n"},
		{Name: "HEX_HOME mounted", Dockerfile: "FROM elixir:1.17\nENV HEX_HOME=/cache/hex\nRUN --mount=type=cache,target=/cache/hex mix deps.get\n"},
		{Name: "mix release", Dockerfile: "FROM elixir:1.17\nRUN mix release\n"},
		{Name: "stage not built", Dockerfile: "FROM elixir:1.17 AS t\nRUN mix deps.get\nFROM debian:12-slim\n"},
		{Name: "quoted", Dockerfile: "FROM elixir:1.17\nRUN echo mix deps.get\n"},
		{Name: "HEX_HOME under compat", Dockerfile: "FROM elixir:1.17\nENV HEX_HOME=/cache/hex\nRUN --mount=type=cache,target=/cache/hex mix deps.get\n", Fire: true, Config: compat},
	}
	// Ported from hadolint's DL3076Spec.
	cases = append(cases, hadolintCases(true, "RUN mix deps.get", "RUN mix compile", "RUN --mount=type=cache,target=/wrong/path mix deps.get")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.hex mix deps.get",
		"RUN --mount=type=cache,target=/root/.mix mix deps.get", "RUN --mount=type=tmpfs,target=/root/.hex mix deps.get")...)
	runCases(t, DL3076, cases)
}
