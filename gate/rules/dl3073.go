package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3073: composer install without a cache mount for Composer's cache.
var DL3073 = Rule{
	ID:       "DL3073",
	Name:     "composer-cache-mount",
	Severity: Info,
	Summary:  "Mount a BuildKit cache at ~/.composer/cache for RUNs that run composer install.",
	Why: "`composer install`, `update` and `require` keep every downloaded package archive in Composer's cache " +
		"(`~/.composer/cache`, or `$COMPOSER_HOME/cache`). Without a cache mount it is baked into the layer, " +
		"bloating the image, and every rebuild downloads it again. Use " +
		"`RUN --mount=type=cache,target=/root/.composer/cache composer install`.",
	Bad:  "FROM php:8.3-cli\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nRUN composer install --no-dev\n",
	Good: "FROM php:8.3-cli\nCOPY --from=composer:2 /usr/bin/composer /usr/bin/composer\nRUN --mount=type=cache,target=/root/.composer/cache composer install --no-dev\n",
	Differences: toolCacheMountDifferences("`composer` with `install`, `update` or `require` among its arguments",
		"composer's subcommand itself is read, so its aliases (`i`, `u`, `upgrade`, `r`) and `create-project` count "+
			"and `composer run-script install` does not", "`.composer/cache`", "`COMPOSER_CACHE_DIR` or `COMPOSER_HOME`"),
	Equivalents: Equivalents{Hadolint: []string{"DL3073"}},
	Check: func(ctx *Context) {
		checkToolCacheMount(ctx, toolCacheMount{
			uses: func(c *dockerfile.SimpleCommand) bool {
				return firstOperandIn(c, []string{"composer", "composer.phar"}, flagSet("-d", "--working-dir"), false,
					"install", "i", "update", "u", "upgrade", "require", "r", "create-project")
			},
			usesCompat: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, "composer", "install", "update", "require")
			},
			fragments: []string{".composer/cache"},
			envDirs:   []string{"COMPOSER_CACHE_DIR", "COMPOSER_HOME"},
			message:   "composer fills its package cache in this layer; add --mount=type=cache,target=/root/.composer/cache to the RUN",
		})
	},
}
