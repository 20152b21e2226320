// Package secrets finds leaked credentials with gitleaks (v8, used as a
// library) and turns them into findings that never carry the secret.
//
// gitleaks keys its own ignores by file:rule:line, so a new secret pasted on
// an ignored line passes and moving a line re-opens an old one. Findings here
// carry a content-based fingerprint instead: rule + SHA-256 of the secret +
// the file path (never the line or the commit). .gitleaksignore is still
// honoured for compatibility with existing repositories.
package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	_ "unsafe" // go:linkname

	"github.com/rs/zerolog"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/cmd/scm"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/crank-platform/terraform-provider-crank/gate/findings"
	"github.com/crank-platform/terraform-provider-crank/gate/safefile"
)

// Engine is the SARIF run name for secret findings.
const Engine = "gitleaks"

// Options select what to scan and how.
type Options struct {
	// Path is a directory or a file; with Git, a repository work tree.
	Path string
	// Git scans the history (git log -p) instead of the work tree.
	Git bool
	// LogOpts are passed to git log (for example "--all" or "main..HEAD").
	LogOpts string
	// ConfigPath is a gitleaks TOML config; default: Path/.gitleaks.toml
	// when present, else gitleaks' built-in rules.
	ConfigPath string
	// IgnoreFiles are extra .gitleaksignore files; Path/.gitleaksignore is
	// always read when present.
	IgnoreFiles []string
	// MaxFileMB skips larger files (0: no limit, as gitleaks).
	MaxFileMB int
	// FollowSymlinks scans files that are symlinks, as gitleaks --follow-symlinks.
	FollowSymlinks bool
}

// Secret is one leaked credential, already redacted: the value itself is
// reduced to its SHA-256 so it can be matched but never printed.
type Secret struct {
	RuleID      string
	Description string
	Path        string
	Line        int
	Column      int
	EndLine     int
	Commit      string
	SecretHash  string
	Fingerprint string
}

// Result is one scan.
type Result struct {
	Secrets []Secret
	Rules   []findings.RuleInfo
	Bytes   uint64
	// Files is the number of files whose content was scanned (tree scans;
	// zero for history scans).
	Files int
	// Unreadable are files and directories of the tree that could not be
	// read: the scan is incomplete, and the CLI fails unless told to skip
	// them.
	Unreadable []Problem
	// Skipped are paths left out on purpose: FIFOs, devices, sockets,
	// files over MaxFileMB, symlinks that do not resolve.
	Skipped []Problem
}

// configMu guards gitleaks' config loading, which goes through viper's
// package-level instance (its [extend] handling reads the default config
// there), and gitleaks' package-level logger.
var configMu sync.Mutex

// LoadConfig reads a gitleaks TOML config, or the built-in rules when path
// is empty.
func LoadConfig(path string) (config.Config, error) {
	configMu.Lock()
	defer configMu.Unlock()
	quietGitleaks()
	viper.Reset()
	viper.SetConfigType("toml")
	if path == "" {
		if err := viper.ReadConfig(strings.NewReader(config.DefaultConfig)); err != nil {
			return config.Config{}, fmt.Errorf("gitleaks default config: %w", err)
		}
	} else {
		data, err := safefile.ReadFile(path, maxConfigBytes)
		if err != nil {
			return config.Config{}, fmt.Errorf("reading gitleaks config %s: %w", path, err)
		}
		if err := viper.ReadConfig(bytes.NewReader(data)); err != nil {
			return config.Config{}, fmt.Errorf("reading gitleaks config %s: %w: fix the TOML or remove the file to use the default rules", path, err)
		}
	}
	var vc config.ViperConfig
	if err := viper.Unmarshal(&vc); err != nil {
		return config.Config{}, fmt.Errorf("gitleaks config %s: %w", path, err)
	}
	gitleaksExtendDepth = 0
	cfg, err := translate(vc)
	if err != nil {
		return config.Config{}, fmt.Errorf("gitleaks config %s: %w", path, err)
	}
	cfg.Path = path
	return cfg, nil
}

// gitleaksExtendDepth is gitleaks' count of configs extended so far in
// this process. gitleaks loads one config per process and never resets
// it; crank-gate check loads one per source target. Left as it is, the
// third config with [extend] useDefault = true would silently get none of
// the default rules (and the second would skip rule validation), so it is
// reset before every load, as gitleaks' own tests do. A gitleaks without
// the variable fails the build at link time.
//
//go:linkname gitleaksExtendDepth github.com/zricethezav/gitleaks/v8/config.extendDepth
var gitleaksExtendDepth int

// quietGitleaks keeps gitleaks' logger off our stderr: its debug lines
// include raw secrets, and the gate reports errors itself.
func quietGitleaks() {
	logging.Logger = logging.Logger.Level(zerolog.Disabled)
}

// Detector is a configured gitleaks detector; it is also the content
// scanner the image checks use for files inside layers.
type Detector struct {
	cfg  config.Config
	d    *detect.Detector
	fast *windowed // nil: every fragment goes through d unchanged
}

// NewDetector builds a detector from a gitleaks config.
// The fast path is built beside gitleaks' detector: an image scan waits
// for both before its first file.
func NewDetector(ctx context.Context, cfg config.Config) *Detector {
	fast := make(chan *windowed, 1)
	go func() { fast <- newWindowed(ctx, cfg) }()
	d := detect.NewDetectorContext(ctx, cfg)
	d.MaxDecodeDepth = decodeDepth
	return &Detector{cfg: cfg, d: d, fast: <-fast}
}

// detect scans one fragment: through the windowed fast path when it is
// the same as gitleaks' detector for that fragment, else through it.
func (d *Detector) detect(ctx context.Context, f detect.Fragment) []report.Finding {
	if d.fast != nil {
		if found, ok := d.fast.detect(ctx, d.d, f); ok {
			if f.Bytes == nil {
				d.d.TotalBytes.Add(uint64(len(f.Raw)))
			}
			d.d.TotalBytes.Add(uint64(len(f.Bytes)))
			return found
		}
	}
	return d.d.DetectContext(ctx, f)
}

// detectSource is gitleaks' DetectSource with each fragment scanned by
// detect: unreadable fragments are skipped (gitleaks logs and goes on),
// findings go through AddFinding for .gitleaksignore.
func (d *Detector) detectSource(ctx context.Context, src sources.Source) ([]report.Finding, error) {
	err := src.Fragments(ctx, func(f sources.Fragment, err error) error {
		if err != nil || (len(f.Raw) == 0 && len(f.FilePath) == 0) {
			return nil
		}
		for _, finding := range d.detect(ctx, detect.Fragment(f)) {
			d.d.AddFinding(finding)
		}
		return nil
	})
	return d.d.Findings(), err
}

// Scan runs gitleaks over a directory, a file or a git history.
func Scan(ctx context.Context, opts Options) (*Result, error) {
	if opts.Path == "" {
		opts.Path = "."
	}
	st, err := os.Stat(opts.Path)
	if err != nil {
		return nil, fmt.Errorf("cannot scan %s for secrets: %w", opts.Path, err)
	}
	cfgPath := opts.ConfigPath
	if cfgPath == "" && st.IsDir() {
		if _, err := os.Stat(filepath.Join(opts.Path, ".gitleaks.toml")); err == nil {
			cfgPath = filepath.Join(opts.Path, ".gitleaks.toml")
		}
	}
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	if cfgPath == "" && st.IsDir() {
		// As the gitleaks CLI: the config file itself is never scanned.
		cfg.Path = filepath.Join(opts.Path, ".gitleaks.toml")
	}
	det := NewDetector(ctx, cfg)
	d := det.d
	d.FollowSymlinks = opts.FollowSymlinks
	d.MaxTargetMegaBytes = opts.MaxFileMB
	ignores := append([]string{}, opts.IgnoreFiles...)
	if st.IsDir() {
		ignores = append(ignores, filepath.Join(opts.Path, ".gitleaksignore"))
	}
	for _, p := range ignores {
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) && !contains(opts.IgnoreFiles, p) {
			continue
		}
		// gitleaks opens the file by name; refuse a FIFO or device first,
		// which would block or never end.
		if _, err := safefile.ReadFile(p, maxConfigBytes); err != nil {
			return nil, fmt.Errorf("reading ignore file %s: %w", p, err)
		}
		if err := d.AddGitleaksIgnore(p); err != nil {
			return nil, fmt.Errorf("reading ignore file %s: %w", p, err)
		}
	}
	var src sources.Source
	if opts.Git {
		cmd, err := sources.NewGitLogCmdContext(ctx, opts.Path, opts.LogOpts)
		if err != nil {
			return nil, fmt.Errorf("git history of %s: %w: is it a git work tree and is git on PATH?", opts.Path, err)
		}
		// NoPlatform: links to a forge would need the network and are
		// not part of any output here.
		src = &sources.Git{Cmd: cmd, Config: &d.Config, Sema: d.Sema, Remote: &sources.RemoteInfo{Platform: scm.NoPlatform}}
	} else {
		src = &treeSource{cfg: &d.Config, root: opts.Path, followSymlinks: d.FollowSymlinks, maxFileSize: int64(opts.MaxFileMB) * 1_000_000, sema: d.Sema}
	}
	raw, err := det.detectSource(ctx, src)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("secret scan of %s: %w", opts.Path, err)
	}
	res := &Result{Rules: det.Rules(), Bytes: d.TotalBytes.Load()}
	if tree, ok := src.(*treeSource); ok {
		res.Files = int(tree.scanned.Load())
		res.Unreadable, res.Skipped = tree.unreadable, tree.skipped
		sortProblems(res.Unreadable)
		sortProblems(res.Skipped)
	}
	for _, f := range raw {
		res.Secrets = append(res.Secrets, fromGitleaks(f))
	}
	sortSecrets(res.Secrets)
	return res, nil
}

func sortProblems(ps []Problem) {
	sort.Slice(ps, func(i, j int) bool { return ps[i].Path < ps[j].Path })
}

// maxConfigBytes bounds a gitleaks config or ignore file: the default
// config is about 100 KB.
const maxConfigBytes = 16 << 20

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ScanContent finds secrets in one file's bytes (for example a file inside
// an image layer). It honours the config's allowlists and gitleaks:allow;
// path is the logical location used in messages and fingerprints.
//
// The bytes are cut into fragments by gitleaks' own file source, exactly
// as gitleaks dir cuts a file on disk (about 100 KB, extended to a blank
// line): so a file in a layer gives the same findings as the same file in
// a tree, and the cost stays linear. gitleaks places each match by walking
// all newlines of its fragment, so one multi-megabyte fragment full of
// matches takes minutes (1.3 MB of key=value lines took 30 s).
// Archives are skipped as gitleaks dir skips them by default (no
// extraction, so nothing is written to disk), and so are files whose
// first bytes are a binary format.
func (d *Detector) ScanContent(ctx context.Context, path string, content []byte) []Secret {
	if looksBinary(content) {
		return nil
	}
	src := &sources.File{Content: bytes.NewReader(content), Path: path}
	if len(content) < chunkSize {
		// One read takes the whole file, as with a full-size buffer, so
		// the fragments are the same.
		src.Buffer = make([]byte, len(content)+1)
	} else {
		buf := chunkBuffers.Get().(*[]byte)
		defer chunkBuffers.Put(buf)
		src.Buffer = *buf
	}
	var out []Secret
	_ = src.Fragments(ctx, func(f sources.Fragment, err error) error {
		if err != nil {
			return nil // a bytes.Reader does not fail; a cancelled scan is checked by the caller
		}
		for _, finding := range d.detect(ctx, detect.Fragment(f)) {
			finding.File = path
			out = append(out, fromGitleaks(finding))
		}
		return nil
	})
	sortSecrets(out)
	return out
}

// chunkBuffers are the read buffers of the file source (gitleaks allocates
// 100 KB per file otherwise).
var chunkBuffers = sync.Pool{New: func() any {
	b := make([]byte, chunkSize)
	return &b
}}

// chunkSize is gitleaks' read size for a file (sources.defaultBufferSize).
const chunkSize = 100_000

// looksBinary mirrors gitleaks' own skip of binary files: a NUL in the first
// block means it is not text a credential would be pasted into.
func looksBinary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	for _, c := range b {
		if c == 0 {
			return true
		}
	}
	return false
}

// Rules describes the configured gitleaks rules for SARIF rule metadata.
func (d *Detector) Rules() []findings.RuleInfo {
	out := make([]findings.RuleInfo, 0, len(d.cfg.Rules))
	for id, r := range d.cfg.Rules {
		sum := r.Description
		if sum == "" {
			sum = "Secret matching gitleaks rule " + id
		}
		out = append(out, findings.RuleInfo{ID: id, Name: id, Summary: sum, Severity: findings.Error, HelpURI: helpURI, Engine: Engine})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

const helpURI = "https://github.com/crank-platform/terraform-provider-crank/blob/main/gate/docs/secrets.md"

func fromGitleaks(f report.Finding) Secret {
	sum := sha256.Sum256([]byte(f.Secret))
	h := hex.EncodeToString(sum[:])
	path := filepath.ToSlash(f.File)
	if f.SymlinkFile != "" {
		path = filepath.ToSlash(f.SymlinkFile)
	}
	path = strings.TrimPrefix(path, "./")
	return Secret{
		RuleID:      f.RuleID,
		Description: f.Description,
		Path:        path,
		Line:        f.StartLine,
		Column:      f.StartColumn,
		EndLine:     f.EndLine,
		Commit:      f.Commit,
		SecretHash:  h,
		Fingerprint: Fingerprint(f.RuleID, h, path),
	}
}

// Fingerprint is the content-based identity of a secret: rule, SHA-256 of
// the value and the file it sits in. Lines and commits are left out on
// purpose so that moving code keeps the identity and history scans fold the
// same leak in many commits into one finding.
func Fingerprint(ruleID, secretSHA256, path string) string {
	h := sha256.New()
	fmt.Fprintf(h, "secret\x00%s\x00%s\x00%s", ruleID, secretSHA256, filepath.ToSlash(path))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

func sortSecrets(s []Secret) {
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Commit < b.Commit
	})
}

// ToFindings maps secrets to findings. The message names the rule and the
// place, and a short hash prefix so two leaks can be told apart; it never
// contains the secret or the matched line.
func ToFindings(ss []Secret) []findings.Finding {
	out := make([]findings.Finding, 0, len(ss))
	for _, s := range ss {
		msg := fmt.Sprintf("%s (secret redacted, sha256 %s…)", strings.TrimSuffix(s.Description, "."), s.SecretHash[:8])
		if s.Commit != "" {
			msg += " in commit " + shortCommit(s.Commit)
		}
		msg += ": remove it, rotate the credential, and load it at run time instead"
		out = append(out, findings.Finding{
			RuleID:      s.RuleID,
			Severity:    findings.Error,
			Path:        s.Path,
			Line:        s.Line,
			Column:      max(0, s.Column),
			EndLine:     s.EndLine,
			Message:     msg,
			Fingerprint: s.Fingerprint,
			Engine:      Engine,
		})
	}
	return out
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// Detected returns the metadata of the rules that fired: listing all ~200
// gitleaks rules in every SARIF run would bury the ones that matter.
func Detected(r *Result) []findings.RuleInfo {
	fired := map[string]bool{}
	for _, s := range r.Secrets {
		fired[s.RuleID] = true
	}
	var out []findings.RuleInfo
	for _, ri := range r.Rules {
		if fired[ri.ID] {
			out = append(out, ri)
		}
	}
	return out
}
