package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/report"
)

// ExitDB means the vulnerability DB is missing or older than allowed: the
// gate cannot give a verdict, which CI should tell apart from "failed".
const ExitDB = 3

type checkFlags struct {
	policy   *string
	formats  listFlag
	newOnly  *bool
	dbDir    *string
	maxAge   *string
	offline  *bool
	server   *string
	noColor  *bool
	flagSet  *flag.FlagSet
	baseline bool
}

func newCheckFlags(name string, env Env, baseline bool) *checkFlags {
	c := &checkFlags{baseline: baseline}
	fs := flag.NewFlagSet("crank-gate "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	c.policy = fs.String("policy", check.DefaultPolicyFile, "policy file")
	c.dbDir = fs.String("db-dir", "", "vulnerability DB directory (holding trivy.db) or a Trivy cache dir; default: the policy's, else Trivy's cache dir")
	c.maxAge = fs.String("max-db-age", "", "refuse a vulnerability DB built longer ago than this (e.g. 24h, 7d); exit 3")
	c.offline = fs.Bool("offline", false, "never touch the network (no DB download, no remote lookups); a --trivy-server is still used")
	c.server = fs.String("trivy-server", "", "Trivy server URL (trivy server) whose DB matches the packages instead of a local DB; token from $TRIVY_TOKEN")
	if baseline {
		fs.StringVar(new(string), "format", "", "not used by baseline")
	} else {
		fs.Var(&c.formats, "format", "output NAME[=FILE], repeatable; NAME is one of "+strings.Join(report.Names(), ", ")+" (default tty on stdout)")
		c.newOnly = fs.Bool("new-only", false, "report and fail only on findings not in the policy's baseline file")
		c.noColor = fs.Bool("no-color", false, "never colour the tty output")
	}
	c.flagSet = fs
	return c
}

func (c *checkFlags) dbOverride() (*check.VulnDB, error) {
	o := &check.VulnDB{Dir: *c.dbDir, Offline: *c.offline, Server: *c.server}
	if *c.maxAge != "" {
		age, err := check.ParseAge(*c.maxAge)
		if err != nil {
			return nil, fmt.Errorf("--max-db-age: %w", err)
		}
		o.MaxAge = age
	}
	return o, nil
}

func runCheck(ctx context.Context, args []string, env Env) int {
	c := newCheckFlags("check", env, false)
	c.flagSet.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: crank-gate check [--policy crank-gate.yaml] [flags]\n\nRuns every check the policy names (Dockerfiles, images, secrets, vulnerabilities) as one CI step.\nExit codes: 0 pass, 1 gate failed, 2 usage or input error, 3 vulnerability DB missing or stale.\n\nFlags:\n")
		c.flagSet.PrintDefaults()
	}
	if code, ok := parseArgs(c.flagSet, args); !ok {
		return code
	}
	r := newRun(ctx, env, "check")
	if c.flagSet.NArg() > 0 {
		return r.failf("unexpected argument %q: targets come from the policy file (--policy)", c.flagSet.Arg(0))
	}
	r.noColor = *c.noColor
	outs, err := parseFormats(c.formats)
	if err != nil {
		return r.failf("%v", err)
	}
	r.outs = outs
	res, code := gateRun(ctx, c, env, *c.newOnly, r)
	if res == nil {
		return code
	}
	for _, n := range res.Notes {
		r.say("%s", n)
	}
	sum := findings.Summarize(res.Findings, res.Files, res.Suppressed+res.Baselined, findings.None)
	sum.Failed = res.Failed()
	sum.FailOn = "policy"
	rep := &report.Report{Tool: gateTool(env), Findings: res.Findings, Rules: res.Rules, Summary: sum}
	if code := r.finish(rep); code != ExitPass {
		return code
	}
	return verdict(env, res)
}

// verdict prints the per-category outcome on stderr and picks the exit
// code: a DB problem outranks a failure because the verdict is incomplete.
func verdict(env Env, res *check.Result) int {
	var cats []string
	for k, n := range res.Failing {
		if n > 0 {
			cats = append(cats, fmt.Sprintf("%s: %d", k, n))
		}
	}
	sort.Strings(cats)
	if res.DBError != nil {
		fmt.Fprintf(env.Stderr, "crank-gate check: %s\n", report.Inert(res.DBError.Error()))
		fmt.Fprintf(env.Stderr, "crank-gate check: NO VERDICT: vulnerabilities were not checked (exit %d)\n", ExitDB)
		return ExitDB
	}
	if len(cats) > 0 {
		fmt.Fprintf(env.Stderr, "crank-gate check: FAILED (%s)\n", strings.Join(cats, ", "))
		return ExitFindings
	}
	fmt.Fprintln(env.Stderr, "crank-gate check: passed")
	return ExitPass
}

// gateRun loads the policy and runs the gate; a nil result comes with the
// exit code to return. Errors go through r, so check writes its failed
// reports; baseline passes a run without outputs.
func gateRun(ctx context.Context, c *checkFlags, env Env, newOnly bool, r *run) (*check.Result, int) {
	fail := func(format string, a ...any) (*check.Result, int) {
		return nil, r.failf(format, a...)
	}
	pol, err := check.LoadPolicy(*c.policy)
	if err != nil {
		return fail("%v", err)
	}
	override, err := c.dbOverride()
	if err != nil {
		return fail("%v", err)
	}
	var stop func()
	progress := func(format string, a ...any) {
		if stop != nil {
			stop()
		}
		stop = startProgress(env, format, a...)
	}
	res, err := check.Run(ctx, check.Options{
		Policy:         pol,
		NewOnly:        newOnly,
		Vuln:           vulnOpener(env),
		OpenImage:      imageOpener(env),
		CheckImage:     imageChecker(env),
		Progress:       progress,
		VulnDBOverride: override,
		Now:            time.Now,
	})
	if stop != nil {
		stop()
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, r.fail(nil)
		}
		return fail("%v", err)
	}
	return res, ExitPass
}

func runBaseline(ctx context.Context, args []string, env Env) int {
	c := newCheckFlags("baseline", env, true)
	out := c.flagSet.String("output", "", "where to write the baseline (default: the policy's baseline: path)")
	c.flagSet.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: crank-gate baseline [--policy crank-gate.yaml] [--output FILE]\n\nRuns the gate and records every current finding by fingerprint, so that\n\"crank-gate check --new-only\" fails only on new ones. Secrets are stored as hashes only.\n\nFlags:\n")
		c.flagSet.PrintDefaults()
	}
	if code, ok := parseArgs(c.flagSet, args); !ok {
		return code
	}
	res, code := gateRun(ctx, c, env, false, newRun(ctx, env, "baseline"))
	if res == nil {
		return code
	}
	if res.DBError != nil {
		fmt.Fprintf(env.Stderr, "crank-gate baseline: %s\ncrank-gate baseline: not writing a baseline without vulnerability results\n", report.Inert(res.DBError.Error()))
		return ExitDB
	}
	path := *out
	if path == "" {
		pol, _ := check.LoadPolicy(*c.policy)
		if pol == nil || pol.Baseline == "" {
			fmt.Fprintln(env.Stderr, "crank-gate baseline: no output: set baseline: in the policy or pass --output FILE")
			return ExitError
		}
		path = pol.Baseline
	}
	b := check.NewBaseline(res.Findings)
	data, err := b.MarshalIndent()
	if err != nil {
		fmt.Fprintf(env.Stderr, "crank-gate baseline: %s\n", report.Inert(err.Error()))
		return ExitError
	}
	if err := writeAtomic(path, func(f *os.File) error { _, err := f.Write(data); return err }); err != nil {
		fmt.Fprintf(env.Stderr, "crank-gate baseline: %s\n", report.Inert(err.Error()))
		return ExitError
	}
	fmt.Fprintf(env.Stderr, "crank-gate baseline: %d finding(s) recorded in %s\n", len(b.Findings), report.Inert(path))
	return ExitPass
}
