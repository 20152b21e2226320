package image

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/config"
	"github.com/crank-platform/terraform-provider-crank/gate/findings"
)

// Limits bound what a hostile or broken image can make the scan do. Every
// limit ends the scan with an error (exit 2), never with a silent pass.
type Limits struct {
	// MaxLayerBytes caps the uncompressed bytes of one layer, which is
	// what stops a decompression bomb.
	MaxLayerBytes int64
	// MaxFileBytes caps how much of one file is read for content checks
	// (secrets, /etc/passwd); the rest of a larger file is skipped, not
	// buffered.
	MaxFileBytes int64
	// MaxEntries caps the filesystem entries tracked for whiteouts.
	MaxEntries int
	// MaxLayers caps the layer count (the layer budget check reports
	// far lower counts; this only stops absurd manifests).
	MaxLayers int
	// MaxTotalBytes caps the uncompressed bytes of all layers together,
	// each listing of a layer counted (one bomb listed 30 times).
	MaxTotalBytes int64
	// MaxJSONBytes caps one JSON document (index.json, a manifest, the
	// configuration, a docker save manifest.json): each is held in memory.
	MaxJSONBytes int64
	// MaxPathBytes caps one path or link name in a layer or archive, and
	// with it the raw size of one tar header (PAX records included).
	MaxPathBytes int
	// MaxPathIndexBytes caps the bytes of all path names the scan keeps
	// (the filesystem tree, an archive's member index).
	MaxPathIndexBytes int64
	// MaxManifests caps the manifests one index (or manifest.json) lists.
	MaxManifests int
}

// DefaultLimits suit real service images with room to spare.
func DefaultLimits() Limits {
	return Limits{MaxLayerBytes: 8 << 30, MaxFileBytes: 4 << 20, MaxEntries: 500_000, MaxLayers: 1000,
		MaxTotalBytes: 32 << 30, MaxJSONBytes: 8 << 20, MaxPathBytes: 4 << 10, MaxPathIndexBytes: 256 << 20, MaxManifests: 1024}
}

// withDefaults fills unset (zero) limits with the defaults, so a caller
// that sets one limit does not switch the others off.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	set64 := func(v *int64, def int64) {
		if *v <= 0 {
			*v = def
		}
	}
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set64(&l.MaxLayerBytes, d.MaxLayerBytes)
	set64(&l.MaxFileBytes, d.MaxFileBytes)
	set64(&l.MaxTotalBytes, d.MaxTotalBytes)
	set64(&l.MaxJSONBytes, d.MaxJSONBytes)
	set64(&l.MaxPathIndexBytes, d.MaxPathIndexBytes)
	set(&l.MaxEntries, d.MaxEntries)
	set(&l.MaxLayers, d.MaxLayers)
	set(&l.MaxPathBytes, d.MaxPathBytes)
	set(&l.MaxManifests, d.MaxManifests)
	return l
}

// Policy is the image-specific configuration; the user and base policy
// come from gate/config so lint and image never disagree.
type Policy struct {
	// MaxImageBytes is the uncompressed size budget (0: no budget).
	MaxImageBytes int64
	// MaxLayers is the layer count budget (0: no budget).
	MaxLayers int
	// SetuidAllowlist are path patterns (config.Match syntax) of setuid
	// and setgid files that are accepted.
	SetuidAllowlist []string
	// AllowedPorts are exposed ports accepted even when privileged.
	AllowedPorts []int
	// SecretSkipPaths are path patterns whose file contents are not
	// scanned for secrets (documentation, locale data, test fixtures of
	// language runtimes); credential file names are still checked there.
	SecretSkipPaths []string
}

// DefaultPolicy is the platform's image policy.
func DefaultPolicy() Policy {
	return Policy{
		MaxImageBytes: 1 << 30,
		MaxLayers:     40,
		SecretSkipPaths: []string{
			"/usr/share/doc/**", "/usr/share/man/**", "/usr/share/locale/**", "/usr/share/i18n/**",
			"/usr/share/zoneinfo/**", "/usr/share/common-licenses/**", "/usr/include/**",
			"/etc/ssl/certs/**", "/usr/share/ca-certificates/**",
			"**/site-packages/**/tests/**", "**/node_modules/**/test/**",
		},
	}
}

// PolicyFor is the default policy with the "image:" settings of cfg
// applied (allowlists extend the defaults; skip paths replace them).
func PolicyFor(cfg *config.Config) Policy {
	p := DefaultPolicy()
	if cfg == nil {
		return p
	}
	im := cfg.Image
	if im.MaxImageBytes != nil {
		p.MaxImageBytes = *im.MaxImageBytes
	}
	if im.MaxLayers != nil {
		p.MaxLayers = *im.MaxLayers
	}
	p.SetuidAllowlist = append(p.SetuidAllowlist, im.SetuidAllowlist...)
	p.AllowedPorts = append(p.AllowedPorts, im.AllowedPorts...)
	if im.SecretSkipPaths != nil {
		p.SecretSkipPaths = im.SecretSkipPaths
	}
	return p
}

// LimitsFor is DefaultLimits with the "image:" settings of cfg applied.
func LimitsFor(cfg *config.Config) Limits {
	l := DefaultLimits()
	if cfg == nil {
		return l
	}
	im := cfg.Image
	if im.MaxLayerBytes != nil {
		l.MaxLayerBytes = *im.MaxLayerBytes
	}
	if im.MaxFileBytes != nil {
		l.MaxFileBytes = *im.MaxFileBytes
	}
	if im.MaxEntries != nil {
		l.MaxEntries = *im.MaxEntries
	}
	if im.MaxTotalBytes != nil {
		l.MaxTotalBytes = *im.MaxTotalBytes
	}
	if im.MaxJSONBytes != nil {
		l.MaxJSONBytes = *im.MaxJSONBytes
	}
	if im.MaxPathBytes != nil {
		l.MaxPathBytes = int(*im.MaxPathBytes)
	}
	if im.MaxPathIndexBytes != nil {
		l.MaxPathIndexBytes = *im.MaxPathIndexBytes
	}
	if im.MaxManifests != nil {
		l.MaxManifests = *im.MaxManifests
	}
	return l
}

// Options configure one scan.
type Options struct {
	// Ref is the image reference as the user wrote it, for messages and
	// as the logical location when no Dockerfile is given.
	Ref string
	// Config is the shared gate configuration (required uid, slim
	// allowlist, healthcheck); nil means config.Default().
	Config *config.Config
	Policy Policy
	Limits Limits
	// Content scans file contents, ENV values, labels and history for
	// secrets; nil uses the built-in detector.
	Content ContentScanner
	// Vuln, when set, scans the image for vulnerable packages after the
	// filesystem pass (beside it with ConcurrentVuln).
	Vuln VulnScanner
	// ConcurrentVuln runs Vuln while the layers are being read: for images
	// on disk, where a second reader costs no download.
	ConcurrentVuln bool
	// Annotations are descriptor annotations the source saw (an index
	// entry's), merged under the manifest's own.
	Annotations map[string]string
	// Rules to run; nil runs All().
	Rules []*Rule
	// Progress, when set, is told about each layer as it starts.
	Progress func(layer, total int, digest string)
	// Workers scan file contents beside the layer stream (0: one per
	// CPU, 1: still off the scan goroutine).
	Workers int
}

// LayerInfo is what the scan learned about one layer.
type LayerInfo struct {
	Index  int
	Digest string
	DiffID string
	// Size is the compressed size from the manifest; Uncompressed is
	// what the pass actually read.
	Size         int64
	Uncompressed int64
	// CreatedBy is the history entry that made the layer ("" when the
	// image has no usable history).
	CreatedBy string
	// HistoryIndex is the position of that entry in the config history,
	// or -1.
	HistoryIndex int
}

// Number is the 1-based layer number shown to users.
func (l LayerInfo) Number() int { return l.Index + 1 }

// Scan is the state one pass over an image shares between all checks.
type Scan struct {
	Image       v1.Image
	Ref         string
	ConfigFile  *v1.ConfigFile
	Manifest    *v1.Manifest
	Annotations map[string]string
	Config      *config.Config
	Policy      Policy
	Limits      Limits
	Content     ContentScanner
	FS          *Tree
	Layers      []LayerInfo

	rule     *Rule
	total    *totalBudget
	serial   int
	captured map[string]*CapturedFile
	states   map[string]any
	obs      []Observation
	pending  []pendingFile
	bg       *background
}

// AnchorKind says what part of the image (and so which Dockerfile line)
// an observation is about.
type AnchorKind int

// Anchor kinds, mapped to Dockerfile lines by Link.
const (
	// AnchorImage is the image as a whole: the final FROM line.
	AnchorImage AnchorKind = iota
	// AnchorUser is the effective user: the last USER line.
	AnchorUser
	// AnchorEnv is an ENV key (Key): the ENV line that sets it.
	AnchorEnv
	// AnchorLabel is a LABEL key (Key).
	AnchorLabel
	// AnchorExpose is an exposed port (Key, "80/tcp").
	AnchorExpose
	// AnchorHistory is a history entry (Layer holds the history index,
	// Key a build-arg name when the secret came from one).
	AnchorHistory
	// AnchorLayer is a layer (Layer): the COPY/ADD/RUN that created it.
	AnchorLayer
	// AnchorBase is the base image: the first FROM of the final chain.
	AnchorBase
)

// Anchor locates an observation inside the image.
type Anchor struct {
	Kind  AnchorKind
	Layer int
	Key   string
}

// Observation is a finding before it is given a file location.
type Observation struct {
	Rule     *Rule
	Severity findings.Severity
	Message  string
	// Subject identifies what the finding is about independent of the
	// image digest (a path, an ENV key), for stable fingerprints.
	Subject string
	Anchor  Anchor
}

type pendingFile struct {
	obs    Observation
	path   string
	serial int
}

// Report records an observation of the running rule.
func (s *Scan) Report(a Anchor, subject, format string, args ...any) {
	s.ReportSeverity(s.rule.Severity, a, subject, format, args...)
}

// ReportSeverity is Report with a severity other than the rule's default
// (e.g. "cannot tell" cases reported as info).
func (s *Scan) ReportSeverity(sev findings.Severity, a Anchor, subject, format string, args ...any) {
	s.obs = append(s.obs, Observation{Rule: s.rule, Severity: sev, Message: fmt.Sprintf(format, args...), Subject: subject, Anchor: a})
}

// ReportFileAsync hands the entry's content to a background worker; the
// messages work returns are reported as ReportFile's, in the order the
// entries were offered. work must use only its argument and immutable
// data: it runs while the scan goes on.
func (s *Scan) ReportFileAsync(e *Entry, data []byte, work func(data []byte) []string) {
	s.bg.submit(s, e, data, work)
}

// ReportFile records an observation about a tar entry. Whether the entry
// is still in the final filesystem is only known after the last layer,
// so the message is qualified then.
func (s *Scan) ReportFile(e *Entry, format string, args ...any) {
	s.pending = append(s.pending, fileObservation(s.rule, e, fmt.Sprintf(format, args...)))
}

// fileObservation is a pending finding of rule about entry e.
func fileObservation(rule *Rule, e *Entry, msg string) pendingFile {
	return pendingFile{
		obs:    Observation{Rule: rule, Severity: rule.Severity, Message: msg, Subject: e.Path, Anchor: Anchor{Kind: AnchorLayer, Layer: e.Layer}},
		path:   e.Path,
		serial: e.serial,
	}
}

// Entry is one tar entry of one layer, offered to every Visit check.
type Entry struct {
	// Path is absolute and clean ("/etc/passwd").
	Path   string
	Header *tar.Header
	// Mode is the entry's mode; for a hard link, the mode of its target.
	Mode  fs.FileMode
	Layer int

	serial    int
	tr        io.Reader
	limit     int64
	read      bool
	content   []byte
	truncated bool
	err       error
}

// IsRegular reports a regular file (hard links included: they share the
// target's content, which was already visited).
func (e *Entry) IsRegular() bool { return e.Header.Typeflag == tar.TypeReg }

// Content returns up to Limits.MaxFileBytes of a regular file, read once
// and shared by every check; truncated says the file is larger.
func (e *Entry) Content() ([]byte, bool, error) {
	if !e.IsRegular() {
		return nil, false, nil
	}
	if !e.read {
		e.read = true
		buf, err := io.ReadAll(io.LimitReader(e.tr, e.limit))
		e.content, e.err = buf, err
		e.truncated = e.Header.Size > int64(len(buf))
	}
	return e.content, e.truncated, e.err
}

// Result is the outcome of a scan: observations to link to locations,
// plus findings from external engines (vulnerabilities).
type Result struct {
	Ref          string
	Digest       string
	Observations []Observation
	External     []findings.Finding
	Layers       []LayerInfo
	History      []v1.History
	Rules        []*Rule
}

// Run reads img once: configuration checks first, then every layer as a
// stream of tar entries offered to every filesystem check, then the
// checks that need the final filesystem. Errors mean the image could not
// be read safely (corrupt, hostile, over a limit) and no verdict exists.
func Run(ctx context.Context, img v1.Image, opt Options) (*Result, error) {
	if opt.Config == nil {
		opt.Config = config.Default()
	}
	opt.Limits = opt.Limits.withDefaults()
	if opt.Content == nil {
		opt.Content = BuiltinDetector()
	}
	rules := opt.Rules
	if rules == nil {
		rules = All()
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("cannot read the image configuration: %w", err)
	}
	if cf == nil {
		return nil, errors.New("the image has no configuration blob")
	}
	mf, err := img.Manifest()
	if err != nil {
		return nil, fmt.Errorf("cannot read the image manifest: %w", err)
	}
	digest, err := img.Digest()
	if err != nil {
		return nil, fmt.Errorf("cannot compute the image digest: %w", err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, fmt.Errorf("cannot list the image layers: %w", err)
	}
	if len(layers) > opt.Limits.MaxLayers {
		return nil, fmt.Errorf("the image has %d layers, above the limit of %d; refusing to read it", len(layers), opt.Limits.MaxLayers)
	}
	if len(cf.RootFS.DiffIDs) != len(layers) {
		return nil, fmt.Errorf("the image configuration lists %d layer diff ids but the manifest has %d layers: the image is corrupt", len(cf.RootFS.DiffIDs), len(layers))
	}
	s := &Scan{
		Image: img, Ref: opt.Ref, ConfigFile: cf, Manifest: mf, Config: opt.Config, Policy: opt.Policy,
		Limits: opt.Limits, Content: opt.Content, FS: newTree(opt.Limits.MaxEntries, opt.Limits.MaxPathIndexBytes),
		Annotations: map[string]string{}, captured: map[string]*CapturedFile{}, states: map[string]any{},
	}
	for k, v := range opt.Annotations {
		s.Annotations[k] = v
	}
	for k, v := range mf.Annotations {
		s.Annotations[k] = v
	}
	s.Layers = layerInfos(mf, cf)
	s.total = newTotalBudget(opt.Limits.MaxTotalBytes, s.Layers)
	bgCtx, cancel := context.WithCancel(ctx)
	workers := opt.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s.bg = newBackground(bgCtx, workers, max(backgroundBytes, opt.Limits.MaxFileBytes))
	var vulnDone chan struct{}
	var vulnFound []findings.Finding
	var vulnErr error
	startVuln := func() {
		vulnDone = make(chan struct{})
		go func() {
			defer close(vulnDone)
			vulnFound, vulnErr = opt.Vuln.ScanImage(bgCtx, img, VulnOptions{Ref: opt.Ref})
		}()
	}
	if opt.Vuln != nil && opt.ConcurrentVuln {
		startVuln()
	}
	defer func() {
		// On an error return the queue is abandoned: workers skip what is
		// left and the bounded in-flight work finishes before Run returns.
		cancel()
		if s.bg != nil {
			s.bg.wait()
		}
		if vulnDone != nil {
			<-vulnDone
		}
	}()

	var visitors []*Rule
	for _, r := range rules {
		if r.Visit != nil {
			visitors = append(visitors, r)
		}
	}
	for i, l := range layers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if opt.Progress != nil {
			opt.Progress(i+1, len(layers), s.Layers[i].Digest)
		}
		if err := s.readLayer(ctx, i, l, visitors); err != nil {
			return nil, fmt.Errorf("layer %d (%s): %w", i+1, shortDigest(s.Layers[i].Digest), err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The configuration checks need no layer, but the secret scans of ENV,
	// labels and history need the content scanner, which may still be
	// compiling its rules: run after the stream, while the workers finish
	// the files, and keep their observations first.
	visited := s.obs
	s.obs = nil
	for _, r := range rules {
		if r.Config != nil {
			s.rule = r
			r.Config(s)
		}
	}
	s.obs = append(s.obs, visited...)
	s.pending = append(s.pending, s.bg.wait()...)
	s.bg = nil
	for _, p := range s.pending {
		o := p.obs
		if alias := s.FS.SurvivingLink(p.serial); !s.FS.Survives(p.path, p.serial) && alias != "" {
			o.Message = strings.TrimSuffix(o.Message, ".") + fmt.Sprintf("; the path is gone from the final image, but the same bytes are still there as the hard link %s", alias)
		} else if !s.FS.Survives(p.path, p.serial) {
			o.Message = strings.TrimSuffix(o.Message, ".") + fmt.Sprintf("; present in layer %d, deleted later: still in the image history, so anyone who pulls the image can read it; remove it in the same RUN that creates it, or use a build secret (RUN --mount=type=secret) or a multi-stage build", o.Anchor.Layer+1)
			o.Subject += " (history)"
		}
		s.obs = append(s.obs, o)
	}
	for _, r := range rules {
		if r.Finish != nil {
			s.rule = r
			r.Finish(s)
		}
	}
	res := &Result{Ref: opt.Ref, Digest: digest.String(), Observations: s.obs, Layers: s.Layers, History: cf.History, Rules: rules}
	if opt.Vuln != nil {
		if vulnDone == nil {
			startVuln()
		}
		<-vulnDone
		if err := verifyErr(img); err != nil {
			return nil, err
		}
		if vulnErr != nil {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("vulnerability scan: %w", vulnErr)
		}
		res.External = vulnFound
	}
	if err := verifyErr(img); err != nil {
		return nil, err
	}
	return res, nil
}

// verifyErr is what any reader of a verified image saw go wrong: a scan
// that a reader found unverified bytes in has no verdict.
func verifyErr(img v1.Image) error {
	if vi, ok := img.(verifiedImage); ok {
		if err := vi.VerifyError(); err != nil {
			return fmt.Errorf("verification failed: %w", err)
		}
	}
	return nil
}

// layerInfos pairs layers with the history entries that created them:
// history entries with empty_layer=false map to layers in order.
func layerInfos(mf *v1.Manifest, cf *v1.ConfigFile) []LayerInfo {
	out := make([]LayerInfo, len(mf.Layers))
	var made []int
	for i, h := range cf.History {
		if !h.EmptyLayer {
			made = append(made, i)
		}
	}
	for i, d := range mf.Layers {
		out[i] = LayerInfo{Index: i, Digest: d.Digest.String(), Size: d.Size, HistoryIndex: -1}
		if i < len(cf.RootFS.DiffIDs) {
			out[i].DiffID = cf.RootFS.DiffIDs[i].String()
		}
		if len(made) == len(mf.Layers) {
			out[i].HistoryIndex = made[i]
			out[i].CreatedBy = cf.History[made[i]].CreatedBy
		}
	}
	return out
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

// errLimit marks a size limit hit, so it is not reported as corruption.
type errLimit struct{ msg string }

func (e *errLimit) Error() string { return e.msg }

// totalBudget counts the uncompressed bytes of every layer listing
// against MaxTotalBytes. A layer listed k times decompresses to the same
// bytes each time (its diff id is verified), so while its first copy is
// read the budget already counts it k times: one bomb listed 30 times
// fails after a thirtieth of the budget, not after 30 reads.
type totalBudget struct {
	limit int64
	done  int64
	// known is the size of each diff id already read in full.
	known map[string]int64
	// left is how many listings of each diff id are still to be read.
	left map[string]int
}

func newTotalBudget(limit int64, infos []LayerInfo) *totalBudget {
	b := &totalBudget{limit: limit, known: map[string]int64{}, left: map[string]int{}}
	for _, l := range infos {
		b.left[l.DiffID]++
	}
	return b
}

func (b *totalBudget) err() error {
	return &errLimit{fmt.Sprintf("the layers decompress to more than the total budget of %d bytes (max-total-bytes; a layer listed several times counts each time): a decompression bomb, or raise it with --max-total-bytes if the image is legitimate", b.limit)}
}

// start checks a layer before it is read, from what earlier reads of the
// same diff id showed.
func (b *totalBudget) start(diffID string) error {
	if n, ok := b.known[diffID]; ok && b.done+n*int64(b.left[diffID]) > b.limit {
		return b.err()
	}
	return nil
}

// check is called as the layer's bytes arrive.
func (b *totalBudget) check(diffID string, n int64) error {
	if b.done+n*int64(max(1, b.left[diffID])) > b.limit {
		return b.err()
	}
	return nil
}

func (b *totalBudget) finish(diffID string, n int64) {
	b.done += n
	b.known[diffID] = n
	b.left[diffID]--
}

// limitedReader fails, rather than stops, once more than limit bytes
// have been read: a silent stop would pass a truncated layer. It also
// carries the total budget and the scan's cancellation, checked as bytes
// arrive so a huge entry cannot outlast either.
type limitedReader struct {
	r      io.Reader
	n      int64
	limit  int64
	extra  int64
	ctx    context.Context
	total  *totalBudget
	diffID string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.ctx != nil {
		if err := l.ctx.Err(); err != nil {
			return 0, err
		}
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if err := l.over(); err != nil {
		return n, err
	}
	return n, err
}

// over checks the budgets; extra is what sparse entries claim beyond the
// bytes stored.
func (l *limitedReader) over() error {
	if l.limit > 0 && l.n+l.extra > l.limit {
		return &errLimit{fmt.Sprintf("uncompressed layer is larger than the limit of %d bytes (max-layer-bytes; a decompression bomb, or raise --max-layer-bytes)", l.limit)}
	}
	if l.total != nil {
		return l.total.check(l.diffID, l.n+l.extra)
	}
	return nil
}

// selfVerifying layers check their diff id while being read.
type selfVerifying interface{ verifiesDiffID() bool }

func (s *Scan) readLayer(ctx context.Context, idx int, l v1.Layer, visitors []*Rule) (err error) {
	want := s.Layers[idx].DiffID
	if err := s.total.start(want); err != nil {
		return err
	}
	rc, err := l.Uncompressed()
	if err != nil {
		return fmt.Errorf("cannot open the layer: %w", err)
	}
	defer func() {
		if cerr := rc.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("reading the layer failed: %w", cerr)
		}
	}()
	counted := &limitedReader{r: rc, limit: s.Limits.MaxLayerBytes, ctx: ctx, total: s.total, diffID: want}
	var stream io.Reader = counted
	hash := sha256.New()
	sv, ok := l.(selfVerifying)
	verified := ok && sv.verifiesDiffID()
	if !verified {
		stream = io.TeeReader(counted, hash)
	}
	tr, hb := newBudgetedTar(stream, headerBytesFor(s.Limits.MaxPathBytes))
	wrap := func(err error) error {
		var lim *errLimit
		if errors.As(err, &lim) {
			return lim
		}
		var ve *errVerify
		if errors.As(err, &ve) {
			return ve
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("the layer is corrupt or truncated: %w", err)
	}
	for {
		h, err := hb.next(tr)
		if err == io.EOF {
			break
		}
		if err != nil {
			return wrap(err)
		}
		if s.serial%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if isSparse(h) {
			// Holes cost nothing stored but are read as zeros.
			counted.extra += h.Size
			if err := counted.over(); err != nil {
				return err
			}
		}
		s.serial++
		if err := s.entry(idx, h, tr, visitors); err != nil {
			return err
		}
		// Drain the rest of the entry now, unarmed: archive/tar would
		// otherwise skip it inside the next header read.
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return wrap(err)
		}
	}
	// Read to the end: digest verification (ours and the registry
	// client's) only happens when the whole stream has been seen.
	if _, err := io.Copy(io.Discard, stream); err != nil {
		return wrap(err)
	}
	s.Layers[idx].Uncompressed = counted.n
	s.total.finish(want, counted.n)
	if got := "sha256:" + hex.EncodeToString(hash.Sum(nil)); !verified && want != "" && got != want {
		return fmt.Errorf("content digest %s does not match the diff id %s in the image configuration: the layer was altered or the source lies about digests", got, want)
	}
	return nil
}

func (s *Scan) entry(layer int, h *tar.Header, tr io.Reader, visitors []*Rule) error {
	if n := max(len(h.Name), len(h.Linkname)); n > s.Limits.MaxPathBytes {
		return pathLimit(n, s.Limits.MaxPathBytes)
	}
	p, err := cleanEntryName(h.Name)
	if err != nil {
		return fmt.Errorf("hostile tar: %w", err)
	}
	if h.Typeflag == tar.TypeRegA {
		h.Typeflag = tar.TypeReg
	}
	dir, base := path.Dir(p), path.Base(p)
	if strings.HasPrefix(base, ".wh.") {
		if base == ".wh..wh..opq" {
			s.FS.opaque(dir, layer)
		} else {
			s.FS.remove(path.Join(dir, strings.TrimPrefix(base, ".wh.")), layer)
		}
		// Runtimes ignore a whiteout's body, but the bytes are in the
		// layer anyone can pull: a body is offered to the checks (as a
		// file that is not in the final image).
		if h.Typeflag == tar.TypeReg && h.Size > 0 {
			e := &Entry{Path: p, Header: h, Mode: tarMode(h.Typeflag, h.Mode), Layer: layer, serial: s.serial, tr: tr, limit: s.Limits.MaxFileBytes}
			return s.visit(e, visitors)
		}
		return nil
	}
	mode := tarMode(h.Typeflag, h.Mode)
	content := s.serial
	if h.Typeflag == tar.TypeLink {
		target, err := cleanEntryName(h.Linkname)
		if err != nil {
			return fmt.Errorf("hostile tar: hard link %s: target %w", p, err)
		}
		n := s.FS.lookup(target)
		if n == nil || n.typeflag == tar.TypeDir {
			return fmt.Errorf("hostile tar: hard link %s points to %s, which is not a file in this image (a link out of the layer)", p, target)
		}
		mode = tarMode(n.typeflag, n.mode)
		content = s.FS.addLink(n, p, s.serial)
	}
	if err := s.FS.putContent(p, h, layer, s.serial, content); err != nil {
		return err
	}
	e := &Entry{Path: p, Header: h, Mode: mode, Layer: layer, serial: s.serial, tr: tr, limit: s.Limits.MaxFileBytes}
	if capturePaths[p] && e.IsRegular() {
		data, _, err := e.Content()
		if err != nil {
			return fmt.Errorf("the layer is corrupt or truncated: reading %s: %w", p, err)
		}
		s.captured[p] = &CapturedFile{Path: p, Layer: layer, Content: data, serial: s.serial}
	}
	return s.visit(e, visitors)
}

// visit offers one entry to every filesystem check.
func (s *Scan) visit(e *Entry, visitors []*Rule) error {
	p := e.Path
	for _, r := range visitors {
		s.rule = r
		r.Visit(s, e)
		if e.err != nil {
			var lim *errLimit
			if errors.As(e.err, &lim) {
				return lim
			}
			var ve *errVerify
			if errors.As(e.err, &ve) {
				return ve
			}
			return fmt.Errorf("the layer is corrupt or truncated: reading %s: %w", p, e.err)
		}
	}
	return nil
}

// capturePaths are small system files whose final content checks need
// after the pass (account databases).
var capturePaths = map[string]bool{"/etc/passwd": true, "/etc/shadow": true, "/etc/group": true, "/etc/os-release": true, "/usr/lib/os-release": true}

// CapturedFile is the content of a captured system file.
type CapturedFile struct {
	Path    string
	Layer   int
	Content []byte
	serial  int
}

// File returns the captured file as it is in the final image, or nil when
// it is absent (or was deleted or replaced by something not captured).
func (s *Scan) File(p string) *CapturedFile {
	c := s.captured[p]
	if c == nil || !s.FS.Survives(p, c.serial) {
		return nil
	}
	return c
}

// state gives a check per-scan storage, created on first use.
func state[T any](s *Scan, key string) *T {
	if v, ok := s.states[key]; ok {
		return v.(*T)
	}
	v := new(T)
	s.states[key] = v
	return v
}
