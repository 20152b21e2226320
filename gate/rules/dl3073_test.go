package rules

import "testing"

func TestDL3073(t *testing.T) {
	cases := []Case{
		{Name: "alias", Dockerfile: "FROM php:8.3\nRUN composer i --no-dev\n", Fire: true},
		{Name: "working dir option", Dockerfile: "FROM php:8.3\nRUN composer -d /app install\n", Fire: true},
		{Name: "run-script named install", Dockerfile: "FROM php:8.3\nRUN composer run-script install\n"},
		{Name: "run-script under compat", Dockerfile: "FROM php:8.3\nRUN composer run-script install\n", Fire: true, Config: compat},
		{Name: "install", Dockerfile: "FROM php:8.3\nRUN composer install --no-dev\n", Fire: true, Lines: []int{2}},
		{Name: "require chain", Dockerfile: "FROM php:8.3\nRUN composer require monolog/monolog && composer dump-autoload\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM php:8.3\nRUN set -e; \\\n    composer install --no-scripts\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM php:8.3\nRUN <<EOF\ncomposer update\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM php:8.3\nRUN [\"composer\", \"install\"]\n", Fire: true},
		{Name: "build stage copied from", Dockerfile: "FROM composer:2 AS vendor\nRUN composer install\nFROM php:8.3\nCOPY --from=vendor /app/vendor /app/vendor\n", Fire: true, Lines: []int{2}},
		{Name: "cache mount", Dockerfile: "FROM php:8.3\nRUN --mount=type=cache,target=/root/.composer/cache composer install\n"},
		{Name: "COMPOSER_HOME mounted", Dockerfile: "FROM composer:2\nENV COMPOSER_HOME=/tmp\nRUN --mount=type=cache,target=/tmp composer install\n"},
		{Name: "COMPOSER_CACHE_DIR mounted", Dockerfile: "FROM php:8.3\nENV COMPOSER_CACHE_DIR=/cache/composer\nRUN --mount=type=cache,target=/cache/composer composer install\n"},
		{Name: "dump-autoload", Dockerfile: "FROM php:8.3\nRUN composer dump-autoload --optimize\n"},
		{Name: "stage not built", Dockerfile: "FROM composer:2 AS t\nRUN composer install\nFROM php:8.3\n"},
		{Name: "quoted", Dockerfile: "FROM php:8.3\nRUN echo 'composer install'\n"},
		{Name: "COMPOSER_HOME under compat", Dockerfile: "FROM composer:2\nENV COMPOSER_HOME=/tmp\nRUN --mount=type=cache,target=/tmp composer install\n", Fire: true, Config: compat},
	}
	// Ported from hadolint's DL3073Spec.
	cases = append(cases, hadolintCases(true, "RUN composer install", "RUN composer update", "RUN --mount=type=cache,target=/wrong/path composer install")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.composer/cache composer install",
		"RUN --mount=type=tmpfs,target=/root/.composer/cache composer install")...)
	runCases(t, DL3073, cases)
}
