package image

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// LogicalPath is the location image findings get when no Dockerfile is
// given: SARIF needs an artifact on every result, and the image reference
// is the artifact. It is made a relative path whose first segment has no
// colon ("image/..."), so SARIF consumers do not read "localhost:5000"
// as a URI scheme, and file sources keep only their base name.
func LogicalPath(ref string) string {
	transport, rest, ok := strings.Cut(ref, ":")
	switch {
	case ok && (transport == "oci" || transport == "docker-archive"):
		dir, tag := rest, ""
		if transport == "oci" {
			if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
				dir, tag = rest[:i], rest[i:]
			}
		}
		return "image/" + transport + "/" + filepath.Base(filepath.Clean(dir)) + tag
	case ok && transport == "docker-daemon":
		return "image/docker-daemon/" + rest
	}
	return "image/" + strings.TrimLeft(ref, "/")
}

// Locator gives observations a file and line.
type Locator struct {
	path string
	df   *dockerfile.File
	// chain is the final image's stages from the one that starts from an
	// external image to the target.
	chain []*dockerfile.Stage
	// byHistory maps config history indexes to the instruction that
	// produced them.
	byHistory map[int]*dockerfile.Instruction
}

// LogicalLocator places every finding at the image's logical path.
func LogicalLocator(ref string) *Locator { return &Locator{path: LogicalPath(ref)} }

// DockerfileLocator links findings to the Dockerfile that built the
// image: history entries are matched to the final stage chain's
// instructions from the end, by instruction kind, so base-image history
// (which comes first) maps to the FROM line.
func DockerfileLocator(path string, src []byte, res *Result, buildArgs map[string]string) (*Locator, error) {
	f, err := dockerfile.Parse(src, dockerfile.Options{Path: path, BuildArgs: buildArgs})
	if err != nil {
		return nil, fmt.Errorf("--dockerfile %s: %w", path, err)
	}
	if f.Target == nil {
		return nil, fmt.Errorf("--dockerfile %s: no FROM, so image findings cannot be linked to it", path)
	}
	l := &Locator{path: path, df: f, byHistory: map[int]*dockerfile.Instruction{}}
	for s := f.Target; s != nil; s = s.BaseStage {
		l.chain = append([]*dockerfile.Stage{s}, l.chain...)
	}
	var ins []*dockerfile.Instruction
	for _, s := range l.chain {
		for _, in := range s.Instructions {
			if in.Kind != dockerfile.KindFrom && in.Kind != dockerfile.KindArg && in.Kind != dockerfile.KindOnbuild {
				ins = append(ins, in)
			}
		}
	}
	j := len(ins) - 1
	for i := len(res.History) - 1; i >= 0 && j >= 0; i-- {
		kind := historyKind(res.History[i].CreatedBy)
		if kind == "" {
			continue
		}
		k := j
		// Builders omit some instructions from history (BuildKit drops
		// no-op ones); allow a few skipped lines before giving up.
		for k >= 0 && j-k <= 3 && ins[k].Kind != kind {
			k--
		}
		if k < 0 || j-k > 3 {
			break
		}
		l.byHistory[i] = ins[k]
		j = k - 1
	}
	return l, nil
}

var nopKind = regexp.MustCompile(`#\(nop\)\s+([A-Z]+)`)

// historyKind classifies a history created_by as the Dockerfile keyword
// that produced it, for BuildKit ("COPY x /y # buildkit") and the classic
// builder ("/bin/sh -c #(nop) COPY ...", "/bin/sh -c apt-get ...").
func historyKind(createdBy string) string {
	s := strings.TrimSpace(createdBy)
	if s == "" {
		return ""
	}
	if m := nopKind.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	word, _, _ := strings.Cut(s, " ")
	switch word {
	case "RUN", "COPY", "ADD", "WORKDIR", "ENV", "LABEL", "USER", "EXPOSE", "CMD", "ENTRYPOINT",
		"HEALTHCHECK", "SHELL", "VOLUME", "STOPSIGNAL", "ONBUILD", "MAINTAINER":
		return word
	}
	if strings.HasPrefix(s, "|") || strings.Contains(s, "/bin/sh -c") {
		return "RUN"
	}
	return ""
}

func (l *Locator) target() *dockerfile.Stage { return l.chain[len(l.chain)-1] }

func (l *Locator) last(kind string, match func(*dockerfile.Instruction) bool) *dockerfile.Instruction {
	for i := len(l.chain) - 1; i >= 0; i-- {
		ins := l.chain[i].Instructions
		for k := len(ins) - 1; k >= 0; k-- {
			if ins[k].Kind == kind && (match == nil || match(ins[k])) {
				return ins[k]
			}
		}
	}
	return nil
}

func hasPair(key string) func(*dockerfile.Instruction) bool {
	return func(in *dockerfile.Instruction) bool {
		for _, p := range in.Pairs {
			if p.Key == key {
				return true
			}
		}
		return false
	}
}

// locate returns the instruction an anchor points at (nil: no Dockerfile).
func (l *Locator) locate(a Anchor, res *Result) *dockerfile.Instruction {
	if l.df == nil {
		return nil
	}
	var in *dockerfile.Instruction
	switch a.Kind {
	case AnchorUser:
		in = l.last(dockerfile.KindUser, nil)
	case AnchorEnv:
		in = l.last(dockerfile.KindEnv, hasPair(a.Key))
	case AnchorLabel:
		in = l.last(dockerfile.KindLabel, hasPair(a.Key))
	case AnchorExpose:
		port, _, _ := strings.Cut(a.Key, "/")
		in = l.last(dockerfile.KindExpose, func(in *dockerfile.Instruction) bool {
			for _, arg := range in.Expanded {
				if p, _, _ := strings.Cut(arg, "/"); p == port {
					return true
				}
			}
			return false
		})
	case AnchorHistory:
		if a.Key != "" {
			in = l.last(dockerfile.KindArg, hasPair(a.Key))
			if in == nil {
				for _, g := range l.df.GlobalArgs {
					if hasPair(a.Key)(g) {
						in = g
					}
				}
			}
		}
		if in == nil {
			in = l.byHistory[a.Layer]
		}
	case AnchorLayer:
		if a.Layer >= 0 && a.Layer < len(res.Layers) && res.Layers[a.Layer].HistoryIndex >= 0 {
			in = l.byHistory[res.Layers[a.Layer].HistoryIndex]
		}
		if in == nil {
			in = l.chain[0].From
		}
	case AnchorBase:
		in = l.chain[0].From
	}
	if in == nil {
		in = l.target().From
	}
	return in
}

// Findings turns the scan result into shared findings, each with a
// location, a stable fingerprint and the image engine name.
func (r *Result) Findings(l *Locator) []findings.Finding {
	repo := repository(r.Ref)
	seen := map[string]int{}
	var out []findings.Finding
	for _, o := range r.Observations {
		f := findings.Finding{RuleID: o.Rule.ID, Severity: o.Severity, Path: l.path, Message: sentence(o.Message), Engine: Engine}
		if in := l.locate(o.Anchor, r); in != nil {
			f.Line, f.EndLine = in.StartLine, in.EndLine
			if in.Stage != nil {
				f.Stage = in.Stage.Label()
			}
		}
		key := o.Rule.ID + "\x00" + o.Subject
		occ := seen[key]
		seen[key] = occ + 1
		f.Fingerprint = findings.Fingerprint(o.Rule.ID, repo, o.Subject, occ)
		out = append(out, f)
	}
	for _, f := range r.External {
		if f.Path == "" {
			f.Path = l.path
			if in := l.locate(Anchor{Kind: AnchorBase}, r); in != nil {
				f.Line, f.EndLine = in.StartLine, in.EndLine
			}
		}
		out = append(out, f)
	}
	findings.Sort(out)
	return out
}

// repository is the reference without tag or digest, so fingerprints
// survive a new tag of the same image.
func repository(ref string) string {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		ref = ref[:i]
	}
	return ref
}

func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s != "" && !strings.ContainsAny(s[len(s)-1:], ".!?") {
		s += "."
	}
	return s
}

// ApplyConfig applies severity overrides and ignores from the shared
// configuration, as lint does; it returns the kept findings and how many
// were suppressed. Expired ignores no longer suppress.
func ApplyConfig(fs []findings.Finding, cfg *config.Config) ([]findings.Finding, int) {
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	var out []findings.Finding
	suppressed := 0
outer:
	for _, f := range fs {
		if sev, ok := cfg.Severity[f.RuleID]; ok {
			if sev == findings.None {
				suppressed++
				continue
			}
			f.Severity = sev
		}
		for _, ig := range cfg.Ignores {
			if ig.Rule != f.RuleID || !ig.Active(now()) {
				continue
			}
			if len(ig.Paths) == 0 || matchAny(ig.Paths, f.Path) {
				suppressed++
				continue outer
			}
		}
		out = append(out, f)
	}
	return out, suppressed
}

// RuleInfos is the SARIF rule table for the checks that ran.
func (r *Result) RuleInfos() []findings.RuleInfo {
	out := make([]findings.RuleInfo, 0, len(r.Rules))
	for _, rule := range r.Rules {
		out = append(out, rule.Info())
	}
	return out
}
