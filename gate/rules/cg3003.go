package rules

import (
	"net/url"
	"path"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG3003: a downloaded file is run or installed without a checksum check.
var CG3003 = Rule{
	ID:       "CG3003",
	Name:     "download-exec-unverified",
	Severity: Warning,
	Summary:  "Verify a downloaded script or package (sha256sum, gpg, cosign) before running or installing it.",
	Why: "Saving a download to a file before running it is only safer than `curl | sh` when something checks " +
		"the file in between. `curl -o install.sh $URL && sh install.sh`, `wget $URL/tool.deb && dpkg -i " +
		"tool.deb` (dpkg does not check signatures, and maintainer scripts run as root) or `java -jar " +
		"installer.jar` run whatever the server returned. Check it against a checksum committed with the " +
		"Dockerfile (`echo \"<sha256>  install.sh\" | sha256sum -c -`), or its signature (`gpg --verify`, " +
		"`cosign verify-blob`), before using it.",
	Bad: "FROM debian:12.7-slim\nRUN curl -fsSLo /tmp/install.sh https://example.com/install.sh && sh /tmp/install.sh\n",
	Good: "FROM debian:12.7-slim\nRUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\\n" +
		" && echo \"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae  /tmp/install.sh\" | sha256sum -c - \\\n" +
		" && sh /tmp/install.sh\n",
	Differences: "Only stages that take part in building the target are checked. Files are followed by name " +
		"through the stage (`curl -o`, `curl -O`, `wget`, `wget -O`), across RUNs and `sh -c` strings; a " +
		"run is a shell or interpreter given the file, `./file`, `dpkg -i`, `apt-get install ./file.deb` or " +
		"`java -jar`. Any sha*sum/b2sum/md5sum, `gpg --verify`/`gpgv`, `cosign verify*`, `minisign -V` or " +
		"`openssl dgst` in the same RUN as the download, or naming the file later, counts as verification; " +
		"the rule checks that one happened, not which hash was used. Piping straight into a shell is CG3001.",
	Check: checkCG3003,
}

func checkCG3003(ctx *Context) {
	for _, s := range ctx.ShippedStages() {
		pending := map[string]*dockerfile.Instruction{}
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindRun {
				continue
			}
			for _, cmd := range in.Commands() {
				c := cmd.Unwrap()
				if f := cgDownloadedFile(c); f != "" {
					pending[f] = in
					continue
				}
				if cgVerifies(c, cmd.Pipeline) {
					for f, at := range pending {
						if at == in || cgPipelineMentions(cmd, f) {
							delete(pending, f)
						}
					}
					continue
				}
				if f := cgExecutedFile(c); f != "" && pending[f] != nil {
					ctx.ReportCommand(in, cmd, "%s runs the downloaded %s without verifying it; check its sha256sum or signature first", c.Name(), f)
					delete(pending, f)
				}
			}
		}
	}
}

// cgDownloadedFile returns the base name of the file curl or wget saves,
// or "" when it writes to stdout or the name cannot be known.
func cgDownloadedFile(c *dockerfile.SimpleCommand) string {
	name := c.Name()
	if name != "curl" && name != "wget" {
		return ""
	}
	out, remote, rawURL := "", name == "wget", ""
	takes := cgCurlArgLetters
	if name == "wget" {
		takes = cgWgetArgLetters
	}
	for i := 1; i < len(c.Args); i++ {
		v, next := c.Args[i].Value, ""
		if i+1 < len(c.Args) {
			next = c.Args[i+1].Value
		}
		switch {
		case v == "--output" || v == "--output-document":
			out = next
			i++
		case strings.HasPrefix(v, "--output=") || strings.HasPrefix(v, "--output-document="):
			_, out, _ = strings.Cut(v, "=")
		case name == "curl" && (v == "--remote-name" || v == "--remote-name-all"):
			remote = true
		case len(v) > 1 && v[0] == '-' && v[1] != '-':
			for j := 1; j < len(v); j++ {
				ch := v[j]
				if name == "curl" && ch == 'O' {
					remote = true
					continue
				}
				if strings.IndexByte(takes, ch) < 0 {
					continue
				}
				val := v[j+1:]
				if val == "" {
					val = next
					i++
				}
				if name == "curl" && ch == 'o' || name == "wget" && ch == 'O' {
					out = val
				}
				break
			}
		case strings.Contains(v, "://"):
			rawURL = v
		}
	}
	switch {
	case out == "-" || out == "/dev/stdout" || out == "/dev/null":
		return ""
	case out != "":
		return path.Base(out)
	case remote && rawURL != "":
		if u, err := url.Parse(rawURL); err == nil && path.Base(u.Path) != "/" && path.Base(u.Path) != "." {
			return path.Base(u.Path)
		}
	}
	return ""
}

// cgVerifies reports whether a command checks a file's integrity.
func cgVerifies(c *dockerfile.SimpleCommand, p *dockerfile.Pipeline) bool {
	name := c.Name()
	switch {
	case strings.HasSuffix(name, "sum") && (strings.HasPrefix(name, "sha") || name == "b2sum" || name == "md5sum"):
		return true
	case name == "gpgv" || name == "gpg" && c.HasArg("--verify") || name == "gpg2" && c.HasArg("--verify"):
		return true
	case name == "cosign" && len(c.Args) > 1 && strings.HasPrefix(c.Args[1].Value, "verify"):
		return true
	case name == "minisign" || name == "signify" || name == "slsa-verifier":
		return true
	case name == "openssl" && c.HasArg("dgst"):
		return true
	case name == "rpm" && c.HasArg("-K", "--checksig"):
		return true
	}
	return false
}

// cgPipelineMentions reports whether the verifying command, or the pipe
// feeding it ("echo '<sum>  file' | sha256sum -c"), names file f.
func cgPipelineMentions(cmd *dockerfile.SimpleCommand, f string) bool {
	cmds := []*dockerfile.SimpleCommand{cmd}
	if cmd.Pipeline != nil {
		cmds = cmd.Pipeline.Commands
	}
	for _, c := range cmds {
		for _, w := range c.Args {
			if strings.Contains(w.Value, f) {
				return true
			}
		}
	}
	return false
}

// cgExecutedFile returns the base name of the file a command runs or
// installs, or "".
func cgExecutedFile(c *dockerfile.SimpleCommand) string {
	if len(c.Args) == 0 {
		return ""
	}
	name := c.Name()
	operand := func(skipValue string) string {
		for i := 1; i < len(c.Args); i++ {
			v := c.Args[i].Value
			if strings.HasPrefix(v, "-") {
				if strings.Contains(skipValue, v) && i+1 < len(c.Args) {
					i++
				}
				continue
			}
			return path.Base(v)
		}
		return ""
	}
	switch {
	case cgIsInterpreter(name):
		for _, w := range c.Args[1:] {
			if v := w.Value; v == "-c" || v == "-e" || v == "-m" {
				return ""
			}
		}
		return operand("")
	case name == "dpkg" && c.HasArg("-i", "--install"):
		for _, w := range c.Args[1:] {
			if strings.HasSuffix(w.Value, ".deb") {
				return path.Base(w.Value)
			}
		}
	case (name == "apt-get" || name == "apt") && c.HasArg("install"):
		for _, w := range c.Args[1:] {
			if strings.HasSuffix(w.Value, ".deb") && strings.Contains(w.Value, "/") {
				return path.Base(w.Value)
			}
		}
	case name == "java" && c.HasArg("-jar"):
		for i, w := range c.Args[:len(c.Args)-1] {
			if w.Value == "-jar" {
				return path.Base(c.Args[i+1].Value)
			}
		}
	case strings.Contains(c.Args[0].Value, "/") && c.Args[0].Literal:
		// "./install.sh" or "/tmp/tool": the file itself is the program.
		return name
	}
	return ""
}
