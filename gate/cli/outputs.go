package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/lint"
	"github.com/crank-platform/terraform-provider-crank/gate/report"
)

// errInterrupted is the run error of a run ended by SIGINT or SIGTERM.
const errInterrupted = "interrupted by a signal before the run finished, so the inputs were not all checked"

// run is one command's output side: its diagnostics on stderr and its
// --format reports. Every message goes through report.Inert, and every
// way a run can end without a verdict (input rejected, a budget
// exceeded, a file that could not be read, interrupted) writes a failed
// report to every destination, so a stale or empty file never reads as
// a pass.
type run struct {
	ctx     context.Context
	env     Env
	cmd     string
	tool    report.Tool
	outs    []output
	noColor bool
	failOn  findings.Severity
}

func newRun(ctx context.Context, env Env, cmd string) *run {
	return &run{ctx: ctx, env: env, cmd: cmd, tool: gateTool(env), failOn: findings.Warning}
}

// say prints one diagnostic line; input-derived text in it is escaped.
func (r *run) say(format string, a ...any) {
	fmt.Fprintf(r.env.Stderr, "crank-gate %s: %s\n", r.cmd, report.Inert(fmt.Sprintf(format, a...)))
}

// fail ends the run with exit 2: it prints the errors and writes a failed
// report (rep, or an empty one, plus the errors) to every output.
func (r *run) fail(rep *report.Report, errs ...report.RunError) int {
	if rep == nil {
		rep = &report.Report{Tool: r.tool, Summary: findings.Summarize(nil, 0, 0, r.failOn)}
	}
	if r.ctx.Err() != nil && !hasInterrupt(errs) {
		errs = append(errs, report.RunError{Message: errInterrupted})
	}
	for _, e := range errs {
		if e.Path != "" {
			r.say("%s: %s", e.Path, e.Message)
		} else {
			r.say("%s", e.Message)
		}
	}
	rep.Fail(errs...)
	for _, o := range r.outs {
		rp, _ := report.New(o.format, report.Options{Color: r.color() && o.file == ""})
		if o.file == "" {
			if err := rp.Write(r.env.Stdout, rep); err != nil {
				r.say("writing %s output: %v", o.format, err)
			}
			continue
		}
		if err := writeAtomic(o.file, func(f *os.File) error { return rp.Write(f, rep) }); err != nil {
			r.say("%v", err)
		}
	}
	return ExitError
}

// failf is fail with one message and no findings.
func (r *run) failf(format string, a ...any) int {
	return r.fail(nil, report.RunError{Message: fmt.Sprintf(format, a...)})
}

// finish writes a completed run's reports. A run interrupted before or
// while they are written gets failed reports instead (fail's exit 2).
func (r *run) finish(rep *report.Report) int {
	if r.ctx.Err() != nil {
		return r.fail(rep)
	}
	notInterrupted := func() bool { return r.ctx.Err() == nil }
	for _, o := range r.outs {
		rp, _ := report.New(o.format, report.Options{Color: r.color() && o.file == ""})
		if o.file == "" {
			if err := rp.Write(r.env.Stdout, rep); err != nil {
				return r.fail(rep, report.RunError{Message: fmt.Sprintf("writing %s output: %v", o.format, err)})
			}
			continue
		}
		if err := writeAtomic(o.file, func(f *os.File) error { return rp.Write(f, rep) }, notInterrupted); err != nil {
			if errors.Is(err, errNotRenamed) {
				return r.fail(rep)
			}
			return r.fail(rep, report.RunError{Message: err.Error()})
		}
	}
	return ExitPass
}

func (r *run) color() bool {
	return r.env.StdoutIsTerminal && !r.noColor && r.env.Getenv("NO_COLOR") == ""
}

func hasInterrupt(errs []report.RunError) bool {
	for _, e := range errs {
		if e.Message == errInterrupted {
			return true
		}
	}
	return false
}

// runErrors turns engine errors into report errors, keeping the file a
// lint error is about.
func runErrors(errs []error) []report.RunError {
	out := make([]report.RunError, 0, len(errs))
	for _, e := range errs {
		var fe *lint.FileError
		if errors.As(e, &fe) {
			out = append(out, report.RunError{Path: fe.Path, Message: fe.Err.Error()})
			continue
		}
		out = append(out, report.RunError{Message: e.Error()})
	}
	return out
}
