package acme

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	xacme "golang.org/x/crypto/acme"
)

// authorize solves every pending authorization of an order. The http-01
// solver listens on the configured address only for the duration of this
// call; the dns-01 hook is asked to present each record and, whatever
// happens, to clean it up.
func (b *backend) authorize(ctx context.Context, c *xacme.Client, urls []string) error {
	var solver *httpSolver
	var paths []string
	if b.o.HTTP01Listen != "" {
		s, err := acquireHTTPSolver(b.o.HTTP01Listen)
		if err != nil {
			return err
		}
		defer func() { releaseHTTPSolver(s, paths) }()
		solver = s
	}
	for _, u := range urls {
		z, err := c.GetAuthorization(ctx, u)
		if err != nil {
			return b.wrap(err, "reading an authorization")
		}
		if z.Status == xacme.StatusValid {
			continue
		}
		typ := "dns-01"
		if solver != nil {
			typ = "http-01"
		}
		var chal *xacme.Challenge
		for _, ch := range z.Challenges {
			if ch.Type == typ {
				chal = ch
			}
		}
		if chal == nil {
			var offered []string
			for _, ch := range z.Challenges {
				offered = append(offered, ch.Type)
			}
			return fmt.Errorf("%w: the CA offers %s for %q, not %s. Configure the solver it offers", ErrSolver, strings.Join(offered, ", "), z.Identifier.Value, typ)
		}
		if solver != nil {
			resp, err := c.HTTP01ChallengeResponse(chal.Token)
			if err != nil {
				return err
			}
			p := c.HTTP01ChallengePath(chal.Token)
			solver.set(p, resp)
			paths = append(paths, p)
		} else {
			record, err := c.DNS01ChallengeRecord(chal.Token)
			if err != nil {
				return err
			}
			name := "_acme-challenge." + strings.TrimPrefix(z.Identifier.Value, "*.") + "."
			if err := b.runHook(ctx, "present", name, record); err != nil {
				return err
			}
			defer func() { _ = b.runHook(context.WithoutCancel(ctx), "cleanup", name, record) }()
		}
		if _, err := c.Accept(ctx, chal); err != nil {
			return b.wrap(err, "accepting the "+typ+" challenge")
		}
		if _, err := c.WaitAuthorization(ctx, z.URI); err != nil {
			return b.wrap(err, "waiting for the authorization")
		}
	}
	return nil
}

// httpSolver answers /.well-known/acme-challenge/<token> with the key
// authorization, and nothing else.
type httpSolver struct {
	addr   string
	refs   int // orders using it; guarded by solvers.mu
	mu     sync.Mutex
	tokens map[string]string
	srv    *http.Server
	done   chan struct{}
}

// solvers shares one listener per address between the orders of one
// provider process: Terraform creates certificates in parallel, and a
// second listener on the same address would fail. Tokens are unique per
// challenge, so orders never see each other's answers.
var solvers = struct {
	mu sync.Mutex
	m  map[string]*httpSolver
}{m: map[string]*httpSolver{}}

func acquireHTTPSolver(addr string) (*httpSolver, error) {
	solvers.mu.Lock()
	defer solvers.mu.Unlock()
	if s, ok := solvers.m[addr]; ok {
		s.refs++
		return s, nil
	}
	s, err := startHTTPSolver(addr)
	if err != nil {
		return nil, err
	}
	s.refs = 1
	solvers.m[addr] = s
	return s, nil
}

// releaseHTTPSolver forgets an order's tokens and stops the listener when
// no order is pending any more.
func releaseHTTPSolver(s *httpSolver, paths []string) {
	s.mu.Lock()
	for _, p := range paths {
		delete(s.tokens, p)
	}
	s.mu.Unlock()
	solvers.mu.Lock()
	defer solvers.mu.Unlock()
	if s.refs--; s.refs == 0 {
		delete(solvers.m, s.addr)
		s.stop()
	}
}

func startHTTPSolver(addr string) (*httpSolver, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		hint := "Check http01_listen"
		if errors.Is(err, syscall.EADDRINUSE) {
			hint = "Another process listens there: stop it, or point http01_listen (and the port the CA validates, 80 in production) elsewhere"
		}
		return nil, fmt.Errorf("%w: the http-01 solver cannot listen on %s: %v. %s", ErrSolver, addr, err, hint)
	}
	s := &httpSolver{addr: addr, tokens: map[string]string{}, done: make(chan struct{})}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(l)
	}()
	return s, nil
}

func (s *httpSolver) set(path, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[path] = value
}

func (s *httpSolver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	v, ok := s.tokens[r.URL.Path]
	s.mu.Unlock()
	if !ok || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	_, _ = w.Write([]byte(v))
}

func (s *httpSolver) stop() {
	_ = s.srv.Close()
	<-s.done
}

// runHook runs the dns-01 hook as `hook... present|cleanup FQDN VALUE`
// (the shape of lego's exec provider and acme.sh's dns hooks), with the
// provider's environment, so it can carry its own API credentials. Its
// output is shown when it fails.
func (b *backend) runHook(ctx context.Context, action, fqdn, value string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	args := append(append([]string{}, b.o.DNS01Hook[1:]...), action, fqdn, value)
	out, err := exec.CommandContext(ctx, b.o.DNS01Hook[0], args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%w: dns01_hook %s %s failed: %v: %s", ErrSolver, action, fqdn, err, strings.TrimSpace(string(out)))
	}
	return nil
}
