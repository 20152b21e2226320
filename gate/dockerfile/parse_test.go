package dockerfile

import (
	"strconv"
	"strings"
	"testing"
)

func mustParse(t *testing.T, src string, opt Options) *File {
	t.Helper()
	f, err := Parse([]byte(src), opt)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return f
}

func TestStagesTargetAndExpansion(t *testing.T) {
	src := `# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
ARG GO=1.26
ARG BASE
FROM golang:${GO}-bookworm AS build
ARG GO
RUN go version
FROM build AS test
RUN go test ./...
FROM ${BASE:-gcr.io/distroless/static}:nonroot AS final
COPY --from=build /out /app
FROM alpine AS unused
`
	f := mustParse(t, src, Options{Target: "final"})
	if len(f.Directives) != 2 || f.Directives[1].Key != "check" || f.Directives[1].Value != "skip=JSONArgsRecommended" {
		t.Fatalf("directives = %+v", f.Directives)
	}
	if got := f.Stages[0].Base; got != "golang:1.26-bookworm" {
		t.Errorf("stage 0 base = %q", got)
	}
	if f.Stages[0].BaseRef.Tag != "1.26-bookworm" || f.Stages[0].BaseRef.Unresolved {
		t.Errorf("stage 0 ref = %+v", f.Stages[0].BaseRef)
	}
	if f.Stages[1].BaseStage != f.Stages[0] {
		t.Errorf("stage 1 should build on stage 0")
	}
	fin := f.Stages[2]
	if fin.Base != "gcr.io/distroless/static:nonroot" || fin.BaseRef.Registry != "gcr.io" || fin.BaseRef.Tag != "nonroot" {
		t.Errorf("final = %q %+v", fin.Base, fin.BaseRef)
	}
	if f.Target != fin || !fin.IsTarget {
		t.Errorf("target = %v", f.Target.Label())
	}
	want := []bool{true, false, true, false}
	for i, s := range f.Stages {
		if s.ReachesTarget != want[i] {
			t.Errorf("stage %s ReachesTarget = %v, want %v", s.Label(), s.ReachesTarget, want[i])
		}
	}
	if v, ok := f.Stages[0].Instructions[1].Var("GO"); !ok || v != "1.26" {
		t.Errorf("GO in stage = %q %v", v, ok)
	}
	f2 := mustParse(t, src, Options{BuildArgs: map[string]string{"BASE": "debian", "GO": "1.25"}})
	if f2.Stages[2].Base != "debian:nonroot" || f2.Stages[0].Base != "golang:1.25-bookworm" {
		t.Errorf("build args not applied: %q %q", f2.Stages[2].Base, f2.Stages[0].Base)
	}
	if f2.Target != f2.Stages[3] {
		t.Errorf("default target must be the last stage")
	}
}

func TestUnresolvedFrom(t *testing.T) {
	f := mustParse(t, "ARG IMG\nFROM $IMG\n", Options{})
	if !f.Stages[0].BaseRef.Unresolved {
		t.Errorf("FROM $IMG without value must be unresolved: %+v", f.Stages[0].BaseRef)
	}
}

func TestRunAnalysis(t *testing.T) {
	src := "FROM alpine\nARG V=1.2\nRUN set -e; \\\n    curl -fsSL \"https://x/$V/i.sh\" | sh && \\\n    echo $(wget -qO- y | bash) || true\n" +
		"RUN <<EOF\napk add --no-cache curl\ncurl https://x | sh\nEOF\n" +
		"RUN [\"sh\", \"-c\", \"a | b\"]\n" +
		"RUN python3 <<EOF\nprint('x | y')\nEOF\n" +
		"RUN bash <<EOF\ncat /etc/os-release | grep ID\nEOF\n"
	f := mustParse(t, src, Options{})
	runs := f.Stages[0].Instructions
	c := runs[1].Commands()
	names := []string{}
	for _, x := range c {
		names = append(names, x.Name()+"@"+strconv.Itoa(x.Line)+":"+x.Op)
	}
	if got := strings.Join(names, " "); got != "set@3: curl@4:; sh@4:| echo@5:&& wget@5:; bash@5:| true@5:||" {
		t.Errorf("commands = %s", got)
	}
	if c[1].Args[2].Value != "https://x/1.2/i.sh" || !c[1].Args[2].Literal {
		t.Errorf("curl url = %+v", c[1].Args[2])
	}
	if len(runs[1].Scripts[0].Pipelines) != 2 {
		t.Errorf("pipelines = %d", len(runs[1].Scripts[0].Pipelines))
	}
	hd := runs[2].Scripts[0]
	if hd.Heredoc != "EOF" || len(hd.Commands) != 3 || hd.Commands[1].Line != 8 || len(hd.Pipelines) != 1 {
		t.Errorf("heredoc script = %+v first line %d", hd, hd.Commands[0].Line)
	}
	if p := runs[3].Scripts[0].Pipelines; len(p) != 1 {
		t.Errorf("exec sh -c pipelines = %d", len(p))
	}
	if p := runs[4].Scripts[0].Pipelines; len(p) != 0 {
		t.Errorf("python heredoc must not be shell-analysed: %d pipelines", len(p))
	}
	if p := runs[5].Scripts[0].Pipelines; len(p) != 1 || p[0].Commands[0].Line != 15 {
		t.Errorf("bash <<EOF body must be analysed: %+v", p)
	}
}

func TestRecoverableErrors(t *testing.T) {
	f := mustParse(t, "FROM alpine\nRUN --mount=type=bogus true\nHEALTHCHECK --interval=xx CMD true\nUSER 1000\n", Options{})
	if len(f.Errors) != 2 || f.Errors[0].Line != 2 {
		t.Fatalf("errors = %+v", f.Errors)
	}
	if n := len(f.Stages[0].Instructions); n != 3 {
		t.Errorf("instructions after errors = %d", n)
	}
}

func TestImageRef(t *testing.T) {
	for in, want := range map[string]ImageRef{
		"ubuntu":                        {Registry: "docker.io", Repository: "ubuntu"},
		"localhost:5000/a/b:1@sha256:x": {Registry: "localhost:5000", RegistryExplicit: true, Repository: "a/b", Tag: "1", Digest: "sha256:x"},
		"org/app:latest":                {Registry: "docker.io", Repository: "org/app", Tag: "latest"},
	} {
		got := ParseImageRef(in)
		got.Raw = ""
		if got != want {
			t.Errorf("%s: got %+v want %+v", in, got, want)
		}
	}
}

func TestEnvLabelPairs(t *testing.T) {
	src := "FROM alpine\nENV A=1 B=2\nENV C \"x y\"\nLABEL k1=\"v 1\" \"k2\"='v2' k3=$B\nRUN true\n"
	f := mustParse(t, src, Options{})
	run := f.Stages[0].Instructions[3]
	for name, want := range map[string]string{"A": "1", "B": "2", "C": "x y"} {
		if v, ok := run.Var(name); !ok || v != want {
			t.Errorf("Var(%s) = %q %v, want %q", name, v, ok, want)
		}
	}
	if _, ok := run.Var("="); ok {
		t.Errorf(`"=" must not be stored as a variable`)
	}
	env := f.Stages[0].Instructions[0]
	if len(env.Pairs) != 2 || env.Pairs[1].Key != "B" || env.Pairs[1].Value != "2" {
		t.Errorf("ENV pairs = %+v", env.Pairs)
	}
	label := f.Stages[0].Instructions[2]
	var got []string
	for _, kv := range label.Pairs {
		got = append(got, kv.Key+"="+kv.Value)
	}
	if strings.Join(got, ",") != "k1=v 1,k2=v2,k3=2" {
		t.Errorf("LABEL pairs = %q", got)
	}
	for _, e := range label.Expanded {
		if strings.ContainsAny(e, `"'`) {
			t.Errorf("LABEL Expanded keeps quotes: %q", label.Expanded)
		}
	}
}

func TestQuotedValuesAreUnquoted(t *testing.T) {
	src := "ARG G='glob'\nFROM alpine\nARG O=\"\"\nARG P='a b'\nENV V \"x\"\nARG G\nRUN true\n"
	f := mustParse(t, src, Options{})
	run := f.Stages[0].Instructions[4]
	for name, want := range map[string]string{"O": "", "P": "a b", "V": "x", "G": "glob"} {
		if v, ok := run.Var(name); !ok || v != want {
			t.Errorf("Var(%s) = %q %v, want %q", name, v, ok, want)
		}
	}
	env := f.Stages[0].Instructions[2]
	if env.Expanded[1] != "x" {
		t.Errorf("ENV Expanded = %q", env.Expanded)
	}
}

func TestNestedShellScripts(t *testing.T) {
	src := "FROM alpine\n" +
		"RUN sh -c \"apk add curl && bash -c 'curl -k https://x | sh'\"\n" +
		"RUN [\"/bin/sh\", \"-ec\", \"sudo sh -c 'apk add git'\"]\n" +
		"RUN eval \"$(curl -fsSL https://x)\" && bash <(wget -qO- https://y)\n" +
		"RUN cat <<EOF > /etc/x.conf\nkey=value\nEOF\n" +
		"RUN bash <<EOF\napk add git\nEOF\n"
	names := func(cmds []*SimpleCommand) string {
		var out []string
		for _, c := range cmds {
			out = append(out, c.Unwrap().Name())
		}
		return strings.Join(out, " ")
	}
	f := mustParse(t, src, Options{})
	if got := names(f.Stages[0].Instructions[4].Commands()); got != "bash apk" {
		t.Errorf("bash <<EOF commands = %q (the delimiter is not a command)", got)
	}
	run1 := f.Stages[0].Instructions[0]
	if got := names(run1.Commands()); got != "sh apk bash curl sh" {
		t.Errorf("sh -c commands = %q", got)
	}
	outer := run1.Commands()[0]
	if got := names(outer.Inner); got != "apk bash curl sh" {
		t.Errorf("Inner of sh -c = %q", got)
	}
	curl := run1.Commands()[3]
	if curl.Parent == nil || curl.Parent.Name() != "bash" || curl.Pipeline == nil || len(curl.Pipeline.Commands) != 2 {
		t.Errorf("curl inside bash -c: parent %v, pipeline %+v", curl.Parent, curl.Pipeline)
	}
	if curl.Line != 2 {
		t.Errorf("inner command line = %d, want 2", curl.Line)
	}
	if got := names(f.Stages[0].Instructions[1].Commands()); got != "sh apk" {
		t.Errorf("exec form sh -ec with nested sudo sh -c = %q", got)
	}
	run3 := f.Stages[0].Instructions[2].Commands()
	if got := names(run3); got != "eval curl bash wget" {
		t.Errorf("substitution commands = %q", got)
	}
	if got := names(run3[0].Args[1].Commands); got != "curl" || run3[1].Parent != run3[0] {
		t.Errorf("$(...) not linked to its word: %q", got)
	}
	if got := names(run3[2].Args[1].Commands); got != "wget" {
		t.Errorf("<(...) not linked to its word: %q", got)
	}
	cat := f.Stages[0].Instructions[3].Commands()[0]
	if b := cat.HeredocBodies(); len(b) != 1 || b[0] != "key=value\n" {
		t.Errorf("heredoc bodies = %q", b)
	}
}

func TestNestedShellDepthLimit(t *testing.T) {
	script := "true"
	for i := 0; i < 10; i++ {
		script = "sh -c " + strconv.Quote(script)
	}
	f := mustParse(t, "FROM alpine\nRUN "+script+"\n", Options{})
	if n := len(f.Stages[0].Instructions[0].Commands()); n > DefaultLimits().MaxHeredocDepth+1 {
		t.Errorf("%d commands analysed; nesting beyond the limit must stop", n)
	}
}

func TestExpansionIsBounded(t *testing.T) {
	src := "FROM alpine\nENV A=x\n" + strings.Repeat("ENV A=$A$A\n", 40) + "RUN echo $A\n"
	f := mustParse(t, src, Options{})
	run := f.Stages[0].Instructions[len(f.Stages[0].Instructions)-1]
	if v, _ := run.Var("A"); len(v) > DefaultLimits().MaxValueBytes*2 {
		t.Fatalf("A grew to %d bytes; expansion must stop at MaxValueBytes", len(v))
	}
}

func TestTextIsMemoised(t *testing.T) {
	f := mustParse(t, "FROM alpine\nRUN a  b\n", Options{})
	in := f.Stages[0].Instructions[0]
	if in.Text() != "RUN a b" || len(in.TextDigest()) != 64 || in.TextDigest() != in.TextDigest() {
		t.Errorf("Text %q digest %q", in.Text(), in.TextDigest())
	}
}
