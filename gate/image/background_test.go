package image

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/image/imagetest"
)

// manySecrets is an image with a secret in many files over two layers,
// some deleted by the second, so merged order, the "deleted later"
// qualification and the count are all observable.
func manySecrets(t *testing.T) v1.Image {
	t.Helper()
	var l1, l2 []imagetest.File
	for i := range 40 {
		l1 = append(l1, imagetest.File{Path: fmt.Sprintf("app/conf%02d.txt", i), Body: fmt.Sprintf("token=ghp_%036d\n", i)})
		if i%3 == 0 {
			l2 = append(l2, imagetest.Whiteout(fmt.Sprintf("app/conf%02d.txt", i)))
		}
	}
	l2 = append(l2, imagetest.File{Path: "app/late.txt", Body: "AKIA" + "Z7QRSTUVWXYZ2345\n"})
	return imagetest.Build(t, v1.Config{User: "1000:1000"}, nil,
		imagetest.Step{CreatedBy: "COPY conf /app", Layer: imagetest.Layer(t, l1...)},
		imagetest.Step{CreatedBy: "RUN rm", Layer: imagetest.Layer(t, l2...)})
}

func fileSecretMessages(t *testing.T, img v1.Image, workers int, cs ContentScanner) []string {
	t.Helper()
	res, err := Run(context.Background(), img, Options{Ref: "x", Policy: DefaultPolicy(), Workers: workers, Content: cs})
	if err != nil {
		t.Fatalf("Run(workers=%d): %v", workers, err)
	}
	var out []string
	for _, o := range res.Observations {
		if o.Rule.ID == "CGI2004" {
			out = append(out, o.Subject+": "+o.Message)
		}
	}
	return out
}

// slowScanner makes later files finish first, so a merge by completion
// order would show up as a different report.
type slowScanner struct {
	inner ContentScanner
	calls atomic.Int32
}

func (s *slowScanner) ScanContent(p string, b []byte) []Secret {
	if s.calls.Add(1)%2 == 1 {
		time.Sleep(2 * time.Millisecond)
	}
	return s.inner.ScanContent(p, b)
}

func TestBackgroundScanIsDeterministic(t *testing.T) {
	img := manySecrets(t)
	want := fileSecretMessages(t, img, 1, nil)
	if len(want) != 41 {
		t.Fatalf("want 41 file secrets (40 tokens + 1 AWS key), got %d:\n%v", len(want), want)
	}
	deleted := 0
	for _, m := range want {
		if strings.Contains(m, "deleted later") {
			deleted++
		}
	}
	if deleted != 14 {
		t.Errorf("want 14 secrets qualified as deleted later, got %d", deleted)
	}
	for _, w := range []int{2, 4, 16} {
		got := fileSecretMessages(t, img, w, &slowScanner{inner: BuiltinDetector()})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("workers=%d gave a different report:\n got %v\nwant %v", w, got, want)
		}
	}
}

// blockingScanner holds every scan until released and records the most
// content bytes it ever held at once.
type blockingScanner struct {
	release chan struct{}
	mu      sync.Mutex
	held    int
	peak    int
}

func (b *blockingScanner) ScanContent(_ string, c []byte) []Secret {
	b.mu.Lock()
	b.held += len(c)
	b.peak = max(b.peak, b.held)
	b.mu.Unlock()
	<-b.release
	b.mu.Lock()
	b.held -= len(c)
	b.mu.Unlock()
	return nil
}

func TestBackgroundMemoryIsBounded(t *testing.T) {
	bg := newBackground(context.Background(), 2, 1000)
	s := &Scan{rule: &CGI2004}
	bs := &blockingScanner{release: make(chan struct{})}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 10 {
			e := &Entry{Path: fmt.Sprintf("/f%d", i), serial: i}
			bg.submit(s, e, make([]byte, 400), func(d []byte) []string { bs.ScanContent("", d); return nil })
		}
	}()
	select {
	case <-done:
		t.Fatal("ten 400-byte submissions went through a 1000-byte budget while no scan finished")
	case <-time.After(50 * time.Millisecond):
	}
	close(bs.release)
	<-done
	bg.wait()
	if bs.peak > 1000 {
		t.Errorf("held %d bytes at once, above the 1000-byte budget", bs.peak)
	}
}

func TestBackgroundCancelledScanFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	bs := &blockingScanner{release: make(chan struct{})}
	go func() {
		time.Sleep(20 * time.Millisecond)
		cancel()
		close(bs.release)
	}()
	_, err := Run(ctx, manySecrets(t), Options{Ref: "x", Policy: DefaultPolicy(), Workers: 1, Content: bs})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled from a cancelled scan, got %v", err)
	}
}

// countingScanner counts the files it is asked to scan.
type countingScanner struct {
	inner ContentScanner
	calls atomic.Int32
}

func (c *countingScanner) ScanContent(p string, b []byte) []Secret {
	if strings.HasPrefix(p, "/app/") { // not ENV values or history
		c.calls.Add(1)
	}
	return c.inner.ScanContent(p, b)
}

// TestChownLayerScannedOnce: a layer that repeats the files below it byte
// for byte (RUN chown -R) costs no second scan, yet each copy is reported
// on its own layer; a changed file is scanned again.
func TestChownLayerScannedOnce(t *testing.T) {
	var files, again []imagetest.File
	for i := range 10 {
		f := imagetest.File{Path: fmt.Sprintf("app/f%d.txt", i), Body: fmt.Sprintf("key %d ghp_%036d\n", i, i)}
		files = append(files, f)
		if i == 0 {
			f.Body += "changed\n"
		}
		again = append(again, f)
	}
	img := imagetest.Build(t, v1.Config{User: "1000:1000"}, nil,
		imagetest.Step{CreatedBy: "COPY . /app", Layer: imagetest.Layer(t, files...)},
		imagetest.Step{CreatedBy: "RUN chown -R 1000 /app", Layer: imagetest.Layer(t, again...)})
	cs := &countingScanner{inner: BuiltinDetector()}
	msgs := fileSecretMessages(t, img, 2, cs)
	if n := cs.calls.Load(); n != 11 {
		t.Errorf("scanned %d files, want 11 (10, then only the changed one)", n)
	}
	if len(msgs) != 20 {
		t.Errorf("want 20 findings (each copy on its layer), got %d:\n%v", len(msgs), msgs)
	}
}
