package rules

import "testing"

func TestDL3077(t *testing.T) {
	cases := []Case{
		{Name: "bare bundle", Dockerfile: "FROM ruby:3.3\nRUN bundle\n", Fire: true},
		{Name: "gem i", Dockerfile: "FROM ruby:3.3\nRUN gem i rails\n", Fire: true},
		{Name: "bundle exec rake install", Dockerfile: "FROM ruby:3.3\nRUN bundle exec rake install\n"},
		{Name: "bundle exec under compat", Dockerfile: "FROM ruby:3.3\nRUN bundle exec rake install\n", Fire: true, Config: compat},
		{Name: "bundle install", Dockerfile: "FROM ruby:3.3\nRUN bundle install --jobs 4\n", Fire: true, Lines: []int{2}},
		{Name: "gem install chain", Dockerfile: "FROM ruby:3.3\nRUN gem install bundler -v 2.5.0 && bundle config set without dev\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM ruby:3.3\nRUN bundle config set deployment true \\\n && bundle install || exit 1\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM ruby:3.3\nRUN <<EOF\nbundle update\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM ruby:3.3\nRUN [\"gem\", \"install\", \"rails\"]\n", Fire: true},
		{Name: "build stage copied from", Dockerfile: "FROM ruby:3.3 AS b\nRUN bundle install\nFROM ruby:3.3-slim\nCOPY --from=b /usr/local/bundle /usr/local/bundle\n", Fire: true, Lines: []int{2}},
		{Name: "cache mount", Dockerfile: "FROM ruby:3.3\nRUN --mount=type=cache,target=/usr/local/bundle/cache bundle install\n"},
		{Name: "BUNDLE_PATH mounted", Dockerfile: "FROM ruby:3.3\nENV BUNDLE_PATH=/cache/gems\nRUN --mount=type=cache,target=/cache bundle install\n"},
		{Name: "bundle exec", Dockerfile: "FROM ruby:3.3\nRUN bundle exec rake assets:precompile\n"},
		{Name: "gem list", Dockerfile: "FROM ruby:3.3\nRUN gem list\n"},
		{Name: "stage not built", Dockerfile: "FROM ruby:3.3 AS t\nRUN bundle install\nFROM ruby:3.3-slim\n"},
		{Name: "quoted", Dockerfile: "FROM ruby:3.3\nRUN echo gem install rails\n"},
		{Name: "BUNDLE_PATH under compat", Dockerfile: "FROM ruby:3.3\nENV BUNDLE_PATH=/cache/gems\nRUN --mount=type=cache,target=/cache bundle install\n", Fire: true, Config: compat},
	}
	// Ported from hadolint's DL3077Spec.
	cases = append(cases, hadolintCases(true, "RUN gem install rails", "RUN bundle install", "RUN --mount=type=cache,target=/wrong/path bundle install")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/usr/local/bundle bundle install",
		"RUN --mount=type=cache,target=/root/.gem gem install rails", "RUN --mount=type=tmpfs,target=/usr/local/bundle bundle install")...)
	runCases(t, DL3077, cases)
}
