package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/image"
	"github.com/crank-platform/terraform-provider-crank/gate/report"
)

// ImageCommand is "crank-gate image". Content and Vuln plug in the
// secrets (gitleaks) and vulnerability (Trivy) engines; nil means the
// built-in secret detector and no vulnerability scan.
type ImageCommand struct {
	Content image.ContentScanner
	Vuln    image.VulnScanner
}

const imageUsage = `Usage: crank-gate image [flags] REF

REF is one of: ` + image.Transports + `.
The image is read once; configuration, every layer's files (including files
deleted by later layers) and the build history are checked in that pass.
Exit codes: 0 pass, 1 findings at or above --fail-on, 2 usage error or an
image that could not be read safely (corrupt, hostile, over a limit).

Flags:
`

// Run executes the command and returns the exit code.
func (c ImageCommand) Run(ctx context.Context, args []string, env Env) int {
	fs := flag.NewFlagSet("crank-gate image", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var formats, buildArgs, allowSetuid, allowPorts listFlag
	platform := fs.String("platform", "", "OS/ARCH[/VARIANT] to pick from a multi-platform index (default linux and the host architecture)")
	caFile := fs.String("ca-file", "", "PEM CA certificates to trust for registry TLS, in addition to the system roots")
	insecure := fs.Bool("insecure-registry", false, "allow plain HTTP or an unverified certificate; loopback registries only")
	dockerfilePath := fs.String("dockerfile", "", "Dockerfile that built the image; findings are linked to its lines")
	fs.Var(&buildArgs, "build-arg", "K=V build argument used to read --dockerfile (repeatable)")
	cfgPath := fs.String("config", "", "config file (.crank-gate.yaml); default: search the current directory")
	failOn := fs.String("fail-on", "", "lowest severity that fails the run: "+strings.Join(findings.SeverityNames(), "|")+" (default from config, else warning)")
	fs.Var(&formats, "format", "output NAME[=FILE], repeatable; NAME is one of "+strings.Join(report.Names(), ", ")+" (default tty on stdout)")
	noColor := fs.Bool("no-color", false, "never colour the tty output")
	progress := fs.Bool("progress", env.StdoutIsTerminal, "print a line per layer on stderr (default when stdout is a terminal)")
	maxSize := fs.String("max-image-size", "1GiB", "uncompressed size budget for CGI1009 (0 disables); B, KiB, MiB, GiB suffixes; default from the config's image section")
	maxLayers := fs.Int("max-layers", image.DefaultPolicy().MaxLayers, "layer budget for CGI1010 (0 disables)")
	fs.Var(&allowSetuid, "allow-setuid", "setuid/setgid path pattern accepted by CGI2001 (repeatable; adds to the config's)")
	fs.Var(&allowPorts, "allow-port", "exposed port accepted by CGI1003 (repeatable; adds to the config's)")
	maxLayer := fs.String("max-layer-bytes", "8GiB", "abort when one layer decompresses to more than this")
	maxFile := fs.String("max-file-bytes", "4MiB", "read at most this much of one file for content checks")
	maxEntries := fs.Int("max-entries", image.DefaultLimits().MaxEntries, "abort above this many filesystem entries (or archive members)")
	maxTotal := fs.String("max-total-bytes", "32GiB", "abort when all layers together decompress to more than this (each listing of a layer counts)")
	maxJSON := fs.String("max-json-bytes", "8MiB", "abort when one JSON document (index.json, a manifest, the configuration, manifest.json) is larger")
	maxPath := fs.String("max-path-bytes", "4KiB", "abort when one path or link name (or one tar header with its PAX records) is larger")
	maxPathIndex := fs.String("max-path-index-bytes", "256MiB", "abort when the path names kept for the image add up to more than this")
	maxManifests := fs.Int("max-manifests", image.DefaultLimits().MaxManifests, "abort when an index lists more manifests than this")
	eng := imageEngineFlags(fs)
	trivy := addTrivyImageFlags(fs)
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, imageUsage)
		fs.PrintDefaults()
	}
	if code, ok := parseArgs(fs, args); !ok {
		return code
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(env.Stderr, "crank-gate image: "+format+"\n", a...)
		return ExitError
	}
	findingsCode, err := trivy.findingsCode()
	if err != nil {
		return fail("%v", err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fail("expected exactly one image reference, got %d", fs.NArg())
	}
	ref := fs.Arg(0)
	outs, err := parseFormats(formats)
	if err != nil {
		return fail("%v", err)
	}
	cfg, err := loadConfig(*cfgPath, *failOn)
	if err != nil {
		return fail("%v", err)
	}
	// The config's image section sets the policy and limits; a flag
	// given on the command line wins over it.
	pol, lim := image.PolicyFor(cfg), image.LimitsFor(cfg)
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, sz := range []struct {
		flag string
		val  string
		dst  *int64
	}{{"max-image-size", *maxSize, &pol.MaxImageBytes}, {"max-layer-bytes", *maxLayer, &lim.MaxLayerBytes}, {"max-file-bytes", *maxFile, &lim.MaxFileBytes},
		{"max-total-bytes", *maxTotal, &lim.MaxTotalBytes}, {"max-json-bytes", *maxJSON, &lim.MaxJSONBytes}, {"max-path-index-bytes", *maxPathIndex, &lim.MaxPathIndexBytes}} {
		if !set[sz.flag] {
			continue
		}
		n, err := config.ParseBytes(sz.val)
		if err != nil {
			return fail("--%s: %v", sz.flag, err)
		}
		*sz.dst = n
	}
	if set["max-layers"] {
		pol.MaxLayers = *maxLayers
	}
	if set["max-entries"] {
		lim.MaxEntries = *maxEntries
	}
	if set["max-manifests"] {
		lim.MaxManifests = *maxManifests
	}
	if set["max-path-bytes"] {
		n, err := config.ParseBytes(*maxPath)
		if err != nil || n > 1<<30 {
			return fail("--max-path-bytes %q: expected a size up to 1GiB, e.g. 4KiB", *maxPath)
		}
		lim.MaxPathBytes = int(n)
	}
	if pol.MaxLayers < 0 || pol.MaxImageBytes < 0 {
		return fail("--max-layers and --max-image-size cannot be negative (0 disables the budget)")
	}
	if lim.MaxLayerBytes <= 0 || lim.MaxFileBytes <= 0 || lim.MaxEntries <= 0 || lim.MaxTotalBytes <= 0 || lim.MaxJSONBytes <= 0 ||
		lim.MaxPathBytes <= 0 || lim.MaxPathIndexBytes <= 0 || lim.MaxManifests <= 0 {
		return fail("--max-layer-bytes, --max-file-bytes, --max-entries, --max-total-bytes, --max-json-bytes, --max-path-bytes, --max-path-index-bytes and --max-manifests must be positive: they bound what a hostile image can make the gate do")
	}
	pol.SetuidAllowlist = append(pol.SetuidAllowlist, allowSetuid...)
	for _, p := range allowPorts {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return fail("--allow-port %q: expected a port number", p)
		}
		pol.AllowedPorts = append(pol.AllowedPorts, n)
	}
	bargs, err := parseBuildArgs(buildArgs, nil)
	if err != nil {
		return fail("%v", err)
	}
	if c.Content == nil && c.Vuln == nil {
		closeEngines, code, err := eng.open(ctx, &c, env)
		if err != nil {
			fmt.Fprintf(env.Stderr, "crank-gate image: %v\n", err)
			return code
		}
		defer closeEngines()
	}
	opt := image.Options{Config: cfg, Policy: pol, Limits: lim, Content: c.Content, Vuln: c.Vuln}
	if *progress {
		opt.Progress = func(layer, total int, digest string) {
			fmt.Fprintf(env.Stderr, "crank-gate image: layer %d/%d %s\n", layer, total, digest)
		}
	}
	res, fsFindings, err := image.ScanRef(ctx, image.Request{
		Ref:        ref,
		Source:     image.SourceOptions{Platform: *platform, InsecureRegistry: *insecure, CAFile: *caFile, Limits: lim},
		Options:    opt,
		Dockerfile: *dockerfilePath,
		BuildArgs:  bargs,
	})
	if err != nil {
		if ctx.Err() != nil {
			return fail("interrupted; no reports written")
		}
		return fail("%v", err)
	}
	kept, suppressed := image.ApplyConfig(fsFindings, cfg)
	rep := &report.Report{
		Tool:     report.Tool{Name: image.Engine, Version: env.Version, InformationURI: "https://github.com/crank-platform/terraform-provider-crank"},
		Findings: kept,
		Rules:    res.RuleInfos(),
		Summary:  findings.Summarize(kept, 1, suppressed, cfg.FailOn),
	}
	color := env.StdoutIsTerminal && !*noColor && env.Getenv("NO_COLOR") == ""
	for _, o := range outs {
		r, _ := report.New(o.format, report.Options{Color: color && o.file == ""})
		if o.file == "" {
			if err := r.Write(env.Stdout, rep); err != nil {
				return fail("writing %s output: %v", o.format, err)
			}
			continue
		}
		if err := writeAtomic(o.file, func(f *os.File) error { return r.Write(f, rep) }); err != nil {
			return fail("%v", err)
		}
	}
	if rep.Summary.Failed {
		return findingsCode
	}
	return ExitPass
}
