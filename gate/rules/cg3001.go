package rules

import (
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// CG3001: a download executed without verification (curl | sh).
var CG3001 = Rule{
	ID:       "CG3001",
	Name:     "pipe-to-shell",
	Severity: Warning,
	Summary:  "Do not run downloaded scripts unverified (curl | sh); download, verify the checksum, then run.",
	Why: "`curl -fsSL $URL | sh` runs whatever the server (or anyone who took over the domain, the CDN or " +
		"the network path) returns at build time, as root, with nothing recorded in the repository. " +
		"The same holds for `sh -c \"$(curl ...)\"`, `bash <(curl ...)` and `eval \"$(wget -qO- ...)\"`.\n\n" +
		"Download to a file, check it against a checksum committed next to the Dockerfile, then run it:\n\n" +
		"```\nRUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\\n" +
		" && echo \"<sha256>  /tmp/install.sh\" | sha256sum -c - \\\n && sh /tmp/install.sh\n```\n\n" +
		"Better still, install the tool from a signed package repository or copy it from a pinned image.",
	Bad: "FROM debian:12.7-slim\nRUN curl -fsSL https://example.com/install.sh | sh\n",
	Good: "FROM debian:12.7-slim\nRUN curl -fsSLo /tmp/install.sh https://example.com/install.sh \\\n" +
		" && echo \"2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae  /tmp/install.sh\" | sha256sum -c - \\\n" +
		" && sh /tmp/install.sh\n",
	Differences: "Only stages that take part in building the target are checked. Pipelines are read with a " +
		"shell parser (including `sh -c` strings and heredoc scripts): the downloader must write to stdout " +
		"(`curl` without `-o`, `wget -O -`) and a later command of the same pipe must read its program from " +
		"stdin (`sh`, `bash -s`, `python3 -`, `sudo -E bash -`); `curl ... | python3 -c '...json...'` or " +
		"`| tar -x` only read data and do not fire.",
	Check: checkCG3001,
}

var cgInterpreters = map[string]bool{
	"sh": true, "bash": true, "ash": true, "dash": true, "ksh": true, "mksh": true, "zsh": true,
	"perl": true, "ruby": true, "node": true, "php": true, "pwsh": true, "fish": true,
}

func cgIsInterpreter(name string) bool {
	return cgInterpreters[name] || strings.HasPrefix(name, "python")
}

func checkCG3001(ctx *Context) {
	for in, cmd := range ctx.ShippedCommands() {
		c := cmd.Unwrap()
		if p := cmd.Pipeline; p != nil && cmd.PipeIndex > 0 && cgIsInterpreter(c.Name()) && cgReadsProgramFromStdin(c) {
			for _, prev := range p.Commands[:cmd.PipeIndex] {
				if d := prev.Unwrap(); cgDownloadsToStdout(d) {
					ctx.ReportCommand(in, prev, "The output of %s is piped into %s unverified; download to a file, check its sha256sum, then run it", d.Name(), c.Name())
					break
				}
			}
			continue
		}
		if d := cgSubstitutedDownload(c); d != "" {
			ctx.ReportCommand(in, cmd, "%s runs the output of %s unverified; download to a file, check its sha256sum, then run it", c.Name(), d)
		}
	}
}

// cgDownloadsToStdout: curl writes the body to stdout unless told to save
// it (-o FILE, -O); wget saves it unless told "-O -".
func cgDownloadsToStdout(c *dockerfile.SimpleCommand) bool {
	switch c.Name() {
	case "curl":
		return cgOutputIsStdout(c, true, 'o', "--output", cgCurlArgLetters)
	case "wget":
		return cgOutputIsStdout(c, false, 'O', "--output-document", cgWgetArgLetters)
	case "fetch":
		return cgOutputIsStdout(c, false, 'o', "--output", "o")
	}
	return false
}

// cgWgetArgLetters are wget's short options that take a value.
const cgWgetArgLetters = "aABDeiIloOPQRtTUwX"

// cgOutputIsStdout walks the options of a downloader: def is where the
// body goes without an output option, out/long name that option, and a
// value of "-" or /dev/stdout means stdout. curl's -O (remote name) saves.
func cgOutputIsStdout(c *dockerfile.SimpleCommand, def bool, out byte, long, takesArg string) bool {
	stdout := def
	isStdout := func(v string) bool { return v == "-" || v == "/dev/stdout" }
	for i := 1; i < len(c.Args); i++ {
		v := c.Args[i].Value
		next := ""
		if i+1 < len(c.Args) {
			next = c.Args[i+1].Value
		}
		switch {
		case v == "--":
			return stdout
		case c.Name() == "curl" && (v == "--remote-name" || v == "--remote-name-all"):
			stdout = false
		case v == long:
			stdout = isStdout(next)
			i++
		case strings.HasPrefix(v, long+"="):
			stdout = isStdout(strings.TrimPrefix(v, long+"="))
		case len(v) > 1 && v[0] == '-' && v[1] != '-':
			for j := 1; j < len(v); j++ {
				ch := v[j]
				if c.Name() == "curl" && ch == 'O' {
					stdout = false
					continue
				}
				if strings.IndexByte(takesArg, ch) < 0 {
					continue
				}
				val := v[j+1:]
				if val == "" {
					val = next
					i++
				}
				if ch == out {
					stdout = isStdout(val)
				}
				break
			}
		}
	}
	return stdout
}

// cgReadsProgramFromStdin: "sh", "bash -s -- args", "python3 -", but not
// "bash -c '...'", "python3 -c ...", "perl -e ..." or "sh script.sh",
// which read their program from elsewhere and stdin only as data.
func cgReadsProgramFromStdin(c *dockerfile.SimpleCommand) bool {
	for _, w := range c.Args[1:] {
		v := w.Value
		switch {
		case v == "-" || v == "-s" || v == "--":
			return true
		case v == "-c" || v == "-e" || v == "-m" || v == "-E" || v == "-p" || v == "-r" || v == "--eval" || v == "--print" || v == "-Command" || v == "-File":
			return false
		case len(v) > 1 && v[0] == '-' && v[1] != '-':
			if strings.ContainsAny(v[1:], "s") && cgShellNames[c.Name()] {
				return true
			}
			if strings.ContainsAny(v[1:], "cemE") {
				return false
			}
		case strings.HasPrefix(v, "-"):
		default:
			return false
		}
	}
	return true
}

// cgSubstitutedDownload finds a download run through substitution:
// sh -c "$(curl ...)", eval "$(curl ...)", bash <(curl ...),
// source <(curl ...). It returns the downloader's name, or "".
func cgSubstitutedDownload(c *dockerfile.SimpleCommand) string {
	name := c.Name()
	code := func(w dockerfile.Word) string {
		for _, sc := range w.Commands {
			if d := sc.Unwrap(); cgDownloadsToStdout(d) {
				return d.Name()
			}
		}
		return ""
	}
	switch {
	case name == "eval":
		for _, w := range c.Args[1:] {
			if d := code(w); d != "" {
				return d
			}
		}
	case name == "source" || name == ".":
		if len(c.Args) > 1 && strings.HasPrefix(c.Args[1].Raw, "<(") {
			return code(c.Args[1])
		}
	case cgIsInterpreter(name):
		for i, w := range c.Args[1:] {
			v := w.Value
			if v == "-c" || v == "-e" || len(v) > 1 && v[0] == '-' && v[1] != '-' && strings.HasSuffix(v, "c") {
				if i+2 < len(c.Args) {
					return code(c.Args[i+2])
				}
				return ""
			}
			if strings.HasPrefix(w.Raw, "<(") {
				return code(w)
			}
			if !strings.HasPrefix(v, "-") {
				return ""
			}
		}
	}
	return ""
}
