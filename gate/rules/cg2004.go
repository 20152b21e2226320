package rules

import (
	"net"
	"net/url"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG2004: downloads over plain HTTP.
var CG2004 = Rule{
	ID:       "CG2004",
	Name:     "plain-http-download",
	Severity: Warning,
	Summary:  "Fetch build inputs over HTTPS, not plain HTTP.",
	Why: "The platform rule is HTTPS only. A file fetched over `http://` with `curl`, `wget`, `ADD`, `git` or " +
		"from a pip/npm index can be read and replaced by anyone on the path, and unlike a distribution's " +
		"package repository nothing signs it. Use the `https://` URL; if the server has none, download it " +
		"once, publish it somewhere that has, and verify its checksum.",
	Bad:  "FROM debian:12.7-slim\nRUN curl -fsSL http://example.com/tool.tgz -o /tmp/tool.tgz\n",
	Good: "FROM debian:12.7-slim\nRUN curl -fsSL https://example.com/tool.tgz -o /tmp/tool.tgz\n",
	Differences: "Only stages that take part in building the target are checked. URLs on loopback " +
		"(`localhost`, `127.0.0.1`, `[::1]`) do not fire: they never leave the build container. Package " +
		"repositories configured with `http://` (apt, apk, yum) are not reported here because their " +
		"packages are signed; switching signatures off is CG2003. ARG values are expanded, so " +
		"`curl $MIRROR/x` fires when MIRROR defaults to an `http://` URL.",
	Check: checkCG2004,
}

// cgPlainHTTPFetchers are the commands whose URL arguments are downloads.
var cgPlainHTTPFetchers = map[string]bool{
	"curl": true, "wget": true, "git": true, "pip": true, "pip3": true, "npm": true, "yarn": true, "pnpm": true,
	"svn": true, "aria2c": true, "fetch": true,
}

func checkCG2004(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := cmd.Unwrap()
		name := c.Name()
		if !cgPlainHTTPFetchers[name] && !strings.HasPrefix(name, "pip") {
			continue
		}
		for _, w := range c.Args[1:] {
			if u := cgPlainHTTPURL(w.Value); u != "" {
				ctx.ReportCommand(in, cmd, "%s fetches %s over plain HTTP; use https://", name, u)
				break
			}
		}
	}
	for in := range ctx.Instructions(dockerfile.KindAdd) {
		if in.Stage == nil || !in.Stage.ReachesTarget || len(in.Expanded) < 2 {
			continue
		}
		for _, src := range in.Expanded[:len(in.Expanded)-1] {
			if u := cgPlainHTTPURL(src); u != "" {
				ctx.Report(in, "ADD fetches %s over plain HTTP; use https://", u)
				break
			}
		}
	}
}

// cgPlainHTTPURL returns the http:// URL in an argument (also in option
// values such as --index-url=http://...), unless it points at loopback.
func cgPlainHTTPURL(arg string) string {
	i := strings.Index(strings.ToLower(arg), "http://")
	if i < 0 || i > 0 && arg[i-1] != '=' {
		return ""
	}
	raw := arg[i:]
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	host := u.Hostname()
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	return raw
}
