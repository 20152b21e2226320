package stepcatest

import (
	"strconv"
	"testing"
)

// ACMEProvisioner is the name of the ACME provisioner StartACME adds.
const ACMEProvisioner = "acme"

// StartACME starts step-ca as Start does, plus an ACME provisioner whose
// http-01 validation connects to httpPort instead of 80
// (`--acme-http-port`, which step-ca allows only with `--insecure`).
func StartACME(t testing.TB, password string, httpPort int) *Server {
	t.Helper()
	acme := map[string]any{
		"type": "ACME", "name": ACMEProvisioner,
		"claims": map[string]any{"minTLSCertDuration": "5m", "maxTLSCertDuration": "2400h", "defaultTLSCertDuration": "24h"},
	}
	s := start(t, password, true, []any{acme}, []string{"--acme-http-port", strconv.Itoa(httpPort), "--insecure"})
	s.ACMEDirectory = s.URL + "/acme/" + ACMEProvisioner + "/directory"
	return s
}

// Log is what step-ca printed so far: its reasons for refusals, which its
// HTTP answers keep generic.
func (s *Server) Log() string { return s.log.String() }
