package rules

import "testing"

func TestDL3011(t *testing.T) {
	cases := []Case{
		{Name: "too large", Dockerfile: "FROM nginx:1\nEXPOSE 80800\n", Fire: true, Lines: []int{2}},
		{Name: "one of several", Dockerfile: "FROM nginx:1\nEXPOSE 80 443 70000/udp\n", Fire: true},
		{Name: "range end too large", Dockerfile: "FROM nginx:1\nEXPOSE 65000-66000\n", Fire: true},
		{Name: "reversed range", Dockerfile: "FROM nginx:1\nEXPOSE 9000-8000\n", Fire: true},
		{Name: "from ARG", Dockerfile: "FROM nginx:1\nARG PORT=99999\nEXPOSE $PORT\n", Fire: true, Lines: []int{3}},
		{Name: "not a number", Dockerfile: "FROM nginx:1\nEXPOSE http\n", Fire: true},
		{Name: "valid", Dockerfile: "FROM nginx:1\nEXPOSE 0 80 65535\n"},
		{Name: "protocol", Dockerfile: "FROM nginx:1\nEXPOSE 53/udp 80/tcp\n"},
		{Name: "range", Dockerfile: "FROM nginx:1\nEXPOSE 8000-8100/tcp\n"},
		{Name: "ARG valid", Dockerfile: "FROM nginx:1\nARG PORT=8080\nEXPOSE ${PORT}/tcp\n"},
		{Name: "unknown variable", Dockerfile: "FROM nginx:1\nARG PORT\nEXPOSE $PORT\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3011Spec.hs.
	cases = append(cases, hadolintCases(true, "EXPOSE 80000")...)
	cases = append(cases, hadolintCases(false, "EXPOSE 60000")...)
	runCases(t, DL3011, cases)
}
