// Package cli implements the crank-gate commands; cmd/crank-gate only
// wires it to the process (arguments, signals, exit code).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/lint"
	"github.com/crank-platform/terraform-provider-crank/gate/report"
	"github.com/crank-platform/terraform-provider-crank/gate/rules"
)

// Exit codes.
const (
	ExitPass     = 0
	ExitFindings = 1
	ExitError    = 2
)

// Env is the process environment the commands use; tests fake it.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// StdoutIsTerminal enables colour in the tty format.
	StdoutIsTerminal bool
	Getenv           func(string) string
	Version          string
}

const usage = `crank-gate: the CI quality gate for Dockerfiles, images and source trees.

Usage:
  crank-gate lint [flags] [PATH|DIR|-]...   lint Dockerfiles (default: the current directory)
  crank-gate rules [--format table|json|markdown]
  crank-gate image [flags] REF               check a built image: user, base, secrets, files, CVEs
  crank-gate secrets [flags] [PATH]          find leaked credentials (--git for history)
  crank-gate certs [flags] PATH|HOST:PORT... certificate expiry, chain and revocation
  crank-gate check [--policy crank-gate.yaml] run the whole gate as one CI step
  crank-gate baseline [--policy FILE]        record current findings for check --new-only
  crank-gate version

Run "crank-gate lint -h" for the lint flags.
`

// Main runs one command and returns the exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return ExitError
	}
	switch args[0] {
	case "lint":
		return runLint(ctx, args[1:], env)
	case "rules":
		return runRules(args[1:], env)
	case "image":
		return ImageCommand{}.Run(ctx, args[1:], env)
	case "secrets":
		return runSecrets(ctx, args[1:], env)
	case "certs":
		return runCerts(ctx, args[1:], env)
	case "check":
		return runCheck(ctx, args[1:], env)
	case "baseline":
		return runBaseline(ctx, args[1:], env)
	case "version", "--version", "-v":
		fmt.Fprintf(env.Stdout, "crank-gate %s\n", env.Version)
		return ExitPass
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return ExitPass
	}
	fmt.Fprintf(env.Stderr, "crank-gate: unknown command %q\n\n%s", report.Inert(args[0]), usage)
	return ExitError
}

// loadConfig reads .crank-gate.yaml (or the --config file) and applies a
// --fail-on override, as every command that reports findings does.
func loadConfig(path, failOn string) (*config.Config, error) {
	cfg, _, err := config.Load(path, ".")
	if err != nil {
		return nil, err
	}
	if failOn != "" {
		s, err := findings.ParseSeverity(failOn)
		if err != nil {
			return nil, fmt.Errorf("--fail-on: %w", err)
		}
		cfg.FailOn = s
	}
	return cfg, nil
}

// parseBuildArgs reads repeated --build-arg K=V flags. With getenv, a bare
// K takes its value from the environment as docker build does; with nil,
// every flag must carry its value.
func parseBuildArgs(flags []string, getenv func(string) string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range flags {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			if getenv != nil && kv != "" {
				if ev := getenv(kv); ev != "" {
					out[kv] = ev
					continue
				}
			}
			return nil, fmt.Errorf("--build-arg %q: expected KEY=VALUE", kv)
		}
		out[k] = v
	}
	return out, nil
}

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

type output struct {
	format string
	file   string
}

func parseFormats(vals []string) ([]output, error) {
	if len(vals) == 0 {
		vals = []string{"tty"}
	}
	var outs []output
	toStdout := 0
	for _, v := range vals {
		name, file, _ := strings.Cut(v, "=")
		if _, err := report.New(name, report.Options{}); err != nil {
			return nil, fmt.Errorf("--format %s: %w", v, err)
		}
		if file == "" || file == "-" {
			toStdout++
			file = ""
		}
		outs = append(outs, output{format: strings.ToLower(name), file: file})
	}
	if toStdout > 1 {
		return nil, errors.New("--format: only one format can go to stdout; give the others a file (--format sarif=out.sarif)")
	}
	return outs, nil
}

// parseArgs parses a command's flags; when ok is false the command ends
// with code: 0 after -h, 2 on a bad flag (the flag set has said which).
func parseArgs(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitPass, false
		}
		return ExitError, false
	}
	return ExitPass, true
}

func runLint(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("crank-gate lint", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var only, buildArgs, formats listFlag
	fs.Var(&only, "only", "run only these rule ids (comma-separated, repeatable), even rules that are off by default")
	target := fs.String("target", "", "the stage being built, as docker build --target (default: the last stage)")
	fs.Var(&buildArgs, "build-arg", "K=V build argument used to expand ARGs (repeatable)")
	cfgPath := fs.String("config", "", "config file (.crank-gate.yaml, or a .hadolint.yaml); default: search the current directory")
	failOn := fs.String("fail-on", "", "lowest severity that fails the run: "+strings.Join(findings.SeverityNames(), "|")+" (default from config, else warning)")
	fs.Var(&formats, "format", "output NAME[=FILE], repeatable; NAME is one of "+strings.Join(report.Names(), ", ")+" (default tty on stdout)")
	noColor := fs.Bool("no-color", false, "never colour the tty output")
	hadolint := addHadolintFlags(fs, &formats)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: crank-gate lint [flags] [PATH|DIR|-]...\n\nDirectories are searched for Dockerfile*, *.Dockerfile and Containerfile; - reads stdin.\nExit codes: 0 pass, 1 findings at or above --fail-on, 2 usage or input error.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	r := newRun(ctx, env, "lint")
	r.tool = report.Tool{Name: rules.Engine, Version: env.Version, InformationURI: "https://github.com/crank-platform/terraform-provider-crank"}
	r.noColor = *noColor
	outs, err := parseFormats(formatAliases(formats))
	if err != nil {
		return r.failf("%v", err)
	}
	r.outs = outs
	cfg, err := loadConfig(*cfgPath, *failOn)
	if err != nil {
		return r.failf("%v", err)
	}
	if err := hadolint.apply(cfg, *failOn); err != nil {
		return r.failf("%v", err)
	}
	r.failOn = cfg.FailOn
	bargs, err := parseBuildArgs(buildArgs, env.Getenv)
	if err != nil {
		return r.failf("%v", err)
	}
	var ids []string
	for _, o := range only {
		ids = append(ids, strings.Split(o, ",")...)
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files, err := discover(paths)
	if err != nil {
		return r.failf("%v", err)
	}
	if len(files) == 0 {
		return r.failf("no Dockerfiles found in %s (looked for Dockerfile*, *.Dockerfile, Containerfile)", strings.Join(paths, ", "))
	}
	// A file that cannot be read fails the run (exit 2) but not the
	// others: they are still linted and reported beside the error.
	limits := dockerfile.DefaultLimits()
	inputs := make([]lint.Input, 0, len(files))
	var unread []report.RunError
	for _, p := range files {
		data, err := readInput(ctx, p, env.Stdin, limits.MaxBytes)
		if ctx.Err() != nil {
			return r.fail(nil)
		}
		if err != nil {
			unread = append(unread, report.RunError{Path: p, Message: err.Error()})
			continue
		}
		inputs = append(inputs, lint.Input{Path: p, Data: data})
	}
	res, errs := lint.Lint(inputs, lint.Options{Config: cfg, Only: ids, Target: *target, BuildArgs: bargs, Limits: limits})
	if res == nil {
		return r.fail(nil, append(unread, runErrors(errs)...)...)
	}
	rep := &report.Report{
		Tool:     r.tool,
		Findings: res.Findings,
		Rules:    res.Rules,
		Summary:  findings.Summarize(res.Findings, res.Files, res.Suppressed, cfg.FailOn),
	}
	if runErrs := append(unread, runErrors(errs)...); len(runErrs) > 0 {
		return r.fail(rep, runErrs...)
	}
	if code := r.finish(rep); code != ExitPass {
		return code
	}
	if rep.Summary.Failed {
		return ExitFindings
	}
	return ExitPass
}

func runRules(args []string, env Env) int {
	fs := flag.NewFlagSet("crank-gate rules", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "table", "table, json or markdown")
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	all := rules.All()
	switch *format {
	case "table":
		tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSEVERITY\tDEFAULT\tSUMMARY\tEQUIVALENTS")
		for _, r := range all {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, rules.EnabledText(r), r.Summary, rules.EquivalentsText(r.Equivalents))
		}
		if err := tw.Flush(); err != nil {
			return ExitError
		}
	case "json":
		type jr struct {
			ID          string            `json:"id"`
			Name        string            `json:"name"`
			Severity    string            `json:"severity"`
			Default     string            `json:"default"`
			Summary     string            `json:"summary"`
			HelpURI     string            `json:"help_uri"`
			Equivalents rules.Equivalents `json:"equivalents"`
		}
		out := []jr{}
		for _, r := range all {
			out = append(out, jr{r.ID, r.Name, r.Severity.String(), rules.EnabledText(r), r.Summary, rules.HelpURI(r.ID), r.Equivalents})
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return ExitError
		}
	case "markdown":
		fmt.Fprint(env.Stdout, rules.IndexMarkdown(all))
	default:
		fmt.Fprintf(env.Stderr, "crank-gate rules: unknown --format %q: use table, json or markdown\n", *format)
		return ExitError
	}
	return ExitPass
}
