package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/report"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets"
)

func runSecrets(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("crank-gate secrets", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var formats, ignoreFiles listFlag
	git := fs.Bool("git", false, "scan the git history of PATH (git log -p) instead of the files")
	logOpts := fs.String("log-opts", "", "options for git log with --git, e.g. \"--all\" or \"origin/main..HEAD\"")
	cfgPath := fs.String("config", "", "gitleaks config (default: PATH/.gitleaks.toml when present, else gitleaks' built-in rules)")
	fs.Var(&ignoreFiles, "gitleaks-ignore", "extra .gitleaksignore file (repeatable); PATH/.gitleaksignore is always read")
	maxMB := fs.Int("max-file-mb", 0, "skip files larger than this many MB (0: no limit)")
	follow := fs.Bool("follow-symlinks", false, "scan files that are symlinks (their targets must be regular files)")
	skipUnreadable := fs.Bool("skip-unreadable", false, "go on past files and directories that cannot be read, with a notice for each (default: they fail the run, exit 2)")
	fs.Var(&formats, "format", "output NAME[=FILE], repeatable; NAME is one of "+strings.Join(report.Names(), ", ")+" (default tty on stdout)")
	noColor := fs.Bool("no-color", false, "never colour the tty output")
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: crank-gate secrets [flags] [PATH]\n\nFinds leaked credentials with gitleaks' rules; values are never printed.\nOnly regular files are read: FIFOs, devices and sockets are skipped with a notice.\nExit codes: 0 no secret, 1 secrets found, 2 usage or input error (including\nfiles that cannot be read, unless --skip-unreadable).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	r := newRun(ctx, env, "secrets")
	r.failOn = findings.Error
	r.noColor = *noColor
	if fs.NArg() > 1 {
		return r.failf("one PATH at a time (got %d); run it once per tree or scan their common parent", fs.NArg())
	}
	path := "."
	if fs.NArg() == 1 {
		path = fs.Arg(0)
	}
	outs, err := parseFormats(formats)
	if err != nil {
		return r.failf("%v", err)
	}
	r.outs = outs
	stop := startProgress(env, "scanning %s for secrets", path)
	res, err := secrets.Scan(ctx, secrets.Options{Path: path, Git: *git, LogOpts: *logOpts, ConfigPath: *cfgPath, IgnoreFiles: ignoreFiles, MaxFileMB: *maxMB, FollowSymlinks: *follow})
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return r.fail(nil)
		}
		return r.failf("%v", err)
	}
	for _, p := range res.Skipped {
		r.say("skipped %s: %s", p.Path, p.Reason)
	}
	fsx := secrets.ToFindings(res.Secrets)
	rep := &report.Report{
		Tool:     gateTool(env),
		Findings: fsx,
		Rules:    secrets.Detected(res),
		Summary:  findings.Summarize(fsx, res.Files, 0, findings.Error),
	}
	if len(res.Unreadable) > 0 {
		if !*skipUnreadable {
			errs := make([]report.RunError, 0, len(res.Unreadable))
			for _, p := range res.Unreadable {
				errs = append(errs, report.RunError{Path: p.Path, Message: "cannot be read, so it was not scanned (" + p.Reason + "); fix the permissions, or pass --skip-unreadable to go on without it"})
			}
			return r.fail(rep, errs...)
		}
		for _, p := range res.Unreadable {
			r.say("not scanned, cannot be read (--skip-unreadable): %s: %s", p.Path, p.Reason)
		}
	}
	if code := r.finish(rep); code != ExitPass {
		return code
	}
	if len(fsx) > 0 {
		return ExitFindings
	}
	return ExitPass
}

func gateTool(env Env) report.Tool {
	return report.Tool{Name: "crank-gate", Version: env.Version, InformationURI: "https://github.com/crank-platform/terraform-provider-crank"}
}

// stderrIsTerminal decides whether progress lines are shown: in CI logs
// they would only be noise.
func stderrIsTerminal(env Env) bool {
	f, ok := env.Stderr.(*os.File)
	return ok && IsTerminal(f)
}

// IsTerminal asks the terminal driver, not the file mode: /dev/null is a
// character device too, and output sent there is not read by anyone.
func IsTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// startProgress shows a step with elapsed seconds on a terminal, rewriting
// one line; the returned func clears it.
func startProgress(env Env, format string, a ...any) func() {
	if !stderrIsTerminal(env) {
		return func() {}
	}
	msg := report.Inert(fmt.Sprintf(format, a...))
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			fmt.Fprintf(env.Stderr, "\r\x1b[K%s … %ds", msg, int(time.Since(start).Seconds()))
			select {
			case <-done:
				fmt.Fprint(env.Stderr, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}
