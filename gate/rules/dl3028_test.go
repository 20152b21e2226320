package rules

import "testing"

func TestDL3028(t *testing.T) {
	cases := []Case{
		{Name: "unpinned", Dockerfile: "FROM ruby:3\nRUN gem install bundler\n", Fire: true, Lines: []int{2}},
		{Name: "options", Dockerfile: "FROM ruby:3\nRUN gem install --no-document -i /opt/gems rails\n", Fire: true},
		{Name: "one unpinned", Dockerfile: "FROM ruby:3\nRUN gem install bundler:2.5.22 rake\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM ruby:3\nRUN <<EOF\ngem install rake\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "colon", Dockerfile: "FROM ruby:3\nRUN gem install bundler:2.5.22\n"},
		{Name: "-v", Dockerfile: "FROM ruby:3\nRUN gem install bundler -v 2.5.22 && gem install rake --version=13.2.1\n"},
		{Name: "local gem", Dockerfile: "FROM ruby:3\nRUN gem install ./pkg/app-1.0.gem\n"},
		{Name: "build options", Dockerfile: "FROM ruby:3\nRUN gem install nokogiri:1.16.7 -- --use-system-libraries\n"},
		{Name: "update is not install", Dockerfile: "FROM ruby:3\nRUN gem update --system\n"},
		{Name: "unknown variable", Dockerfile: "FROM ruby:3\nARG GEMS\nRUN gem install $GEMS\n"},
		{Name: "stage not built", Dockerfile: "FROM ruby:3 AS dev\nRUN gem install pry\nFROM ruby:3\n"},
		{Name: "exec form", Dockerfile: "FROM ruby:3\nRUN [\"gem\", \"install\", \"rake\"]\n", Fire: true},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3028Spec.hs.
	cases = append(cases, hadolintCases(true, "RUN gem i bundler", "RUN gem i bunlder:1 nokogiri", "RUN gem install bundler")...)
	cases = append(cases, hadolintCases(false, "RUN gem i bundler:1", "RUN gem i bunlder:1 nokogirii:1", "RUN gem install bundler:1", "RUN gem install bundler -v '2.0.1'", "RUN gem install bundler --version '2.0.1'", "RUN gem install bundler --version='2.0.1'", "RUN gem install bundler:2.0.1 -- --use-system-libraries=true", "RUN gem install bundler:2.0.1 -- --use-system-libraries true", "RUN gem install bundler:2.0.1 --use-system-libraries true", "RUN gem install bundler:2.0.1 --use-system-libraries=true")...)
	runCases(t, DL3028, cases)
}
