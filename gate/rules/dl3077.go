package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3077: gem install / bundle install without a cache mount.
var DL3077 = Rule{
	ID:       "DL3077",
	Name:     "bundler-cache-mount",
	Severity: Info,
	Summary:  "Mount a BuildKit cache at the gem directory for RUNs that run gem or bundle install.",
	Why: "`gem install`, `bundle install` and `bundle update` download every gem, and keep the `.gem` archives " +
		"in the gem cache (`$GEM_HOME/cache`, `/usr/local/bundle/cache` in the official Ruby images). Without a " +
		"cache mount those archives are baked into the layer, bloating the image, and every rebuild downloads " +
		"them again. Use `RUN --mount=type=cache,target=/usr/local/bundle bundle install` (and copy what the " +
		"image needs out of the mount), or `--mount=type=cache,target=/root/.gem` for user installs.",
	Bad:  "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN bundle install\n",
	Good: "FROM ruby:3.3\nWORKDIR /app\nCOPY Gemfile Gemfile.lock ./\nRUN --mount=type=cache,target=/usr/local/bundle/cache bundle install\n",
	Differences: toolCacheMountDifferences("`gem install`, or `bundle` with `install` or `update` among its arguments",
		"the subcommand itself is read, so `gem i` and a bare `bundle` (which runs `bundle install`) count and "+
			"`bundle exec rake install` does not", "`.gem` or `bundle`", "`GEM_HOME` or `BUNDLE_PATH`"),
	Equivalents: Equivalents{Hadolint: []string{"DL3077"}},
	Check: func(ctx *Context) {
		checkToolCacheMount(ctx, toolCacheMount{
			uses: func(c *dockerfile.SimpleCommand) bool {
				return firstOperandIn(c, []string{"gem"}, nil, false, "install", "i") ||
					firstOperandIn(c, []string{"bundle", "bundler"}, flagSet("--gemfile"), true, "install", "update")
			},
			usesCompat: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, "gem", "install") || hadolintHasArgs(c, "bundle", "install", "update")
			},
			fragments: []string{".gem", "bundle"},
			envDirs:   []string{"GEM_HOME", "BUNDLE_PATH"},
			message:   "gem and bundler fill the gem cache in this layer; add --mount=type=cache,target=/usr/local/bundle/cache to the RUN",
		})
	},
}
