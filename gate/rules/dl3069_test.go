package rules

import "testing"

func TestDL3069(t *testing.T) {
	cases := []Case{
		{Name: "cargo build", Dockerfile: "FROM rust:1.82\nRUN cargo build --release\n", Fire: true, Lines: []int{2}},
		{Name: "toolchain", Dockerfile: "FROM rust:1.82\nRUN cargo +nightly build\n", Fire: true},
		{Name: "alias b", Dockerfile: "FROM rust:1.82\nRUN cargo b -r\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM rust:1.82\nRUN <<EOF\ncargo fetch\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM rust:1.82\nRUN [\"cargo\", \"install\", \"ripgrep\"]\n", Fire: true},
		{Name: "continuation and chain", Dockerfile: "FROM rust:1.82\nRUN rustup component add clippy; \\\n    cargo clippy && cargo test\n", Fire: true, Lines: []int{3}},
		{Name: "builder stage", Dockerfile: "FROM rust:1.82 AS b\nRUN cargo build --release\nFROM debian:12-slim\nCOPY --from=b /src/target/release/app /app\n", Fire: true, Lines: []int{2}},
		{Name: "only registry mounted elsewhere", Dockerfile: "FROM rust:1.82\nRUN --mount=type=cache,target=/src/target cargo build\n", Fire: true},
		{Name: "official image CARGO_HOME", Dockerfile: "FROM rust:1.82\nRUN --mount=type=cache,target=/usr/local/cargo/registry --mount=type=cache,target=/usr/local/cargo/git cargo build\n"},
		{Name: "cargo run with build argument", Dockerfile: "FROM rust:1.82\nRUN cargo run --bin gen -- build\n"},
		{Name: "cargo --version", Dockerfile: "FROM rust:1.82\nRUN cargo --version && rustc --version\n"},
		{Name: "quoted", Dockerfile: "FROM rust:1.82\nRUN echo 'cargo build'\n"},
		{Name: "stage not built", Dockerfile: "FROM rust:1.82 AS t\nRUN cargo test\nFROM rust:1.82\nRUN true\n"},
		{Name: "official image CARGO_HOME under compat", Dockerfile: "FROM rust:1.82\nRUN --mount=type=cache,target=/usr/local/cargo/registry cargo build\n", Fire: true, Config: compat},
		{Name: "cargo run build under compat", Dockerfile: "FROM rust:1.82\nRUN cargo run --bin gen -- build\n", Fire: true, Config: compat},
	}
	cases = append(cases, hadolintCases(true, "RUN cargo build", "RUN cargo install ripgrep",
		"RUN --mount=type=cache,target=/wrong/path cargo build")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.cargo cargo build",
		"RUN --mount=type=cache,target=/root/.cargo/registry --mount=type=cache,target=/root/.cargo/git cargo build",
		"RUN --mount=type=tmpfs,target=/root/.cargo cargo build")...)
	runCases(t, DL3069, cases)
}
