package rules

import "testing"

func TestCG4002(t *testing.T) {
	const from = "FROM debian:12\n"
	runCases(t, CG4002, []Case{
		{Name: "AWS key in ENV", Dockerfile: from + "ENV AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n", Fire: true, Lines: []int{2}},
		{Name: "AWS key in ARG default", Dockerfile: from + "ARG KEY=AKIAIOSFODNN7EXAMPLE\n", Fire: true},
		{Name: "global ARG", Dockerfile: "ARG KEY=AKIAIOSFODNN7EXAMPLE\n" + from, Fire: true, Lines: []int{1}},
		{Name: "GitHub token in RUN", Dockerfile: from + "RUN git clone https://x:ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/o/r.git\n", Fire: true},
		{Name: "password in URL", Dockerfile: from + "RUN pip install --index-url https://deploy:s3cr3tPass@pypi.example.com/simple x\n", Fire: true},
		{Name: "private key heredoc", Dockerfile: from + "COPY <<EOF /root/.ssh/id_rsa\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nEOF\n", Fire: true, Lines: []int{2}},
		{Name: "private key in echo", Dockerfile: from + "RUN echo \"-----BEGIN RSA PRIVATE KEY-----\" > /k\n", Fire: true},
		{Name: "slack token label", Dockerfile: from + "LABEL hook=xoxb-123456789012-abcdefghij\n", Fire: true},
		{Name: "unbuilt stage still fires", Dockerfile: "FROM debian:12 AS old\nENV GITLAB=glpat-abcdefghij0123456789\nFROM scratch\n", Fire: true, Lines: []int{2}},
		{Name: "variable password in URL", Dockerfile: from + "RUN git clone https://x:${TOKEN}@github.com/o/r.git\n"},
		{Name: "placeholder password", Dockerfile: from + "RUN pip install --index-url https://user:<password>@pypi.example.com/simple x\n"},
		{Name: "ARG name only", Dockerfile: from + "ARG AWS_SECRET_ACCESS_KEY\n"},
		{Name: "sha digest", Dockerfile: from + "ENV SHA=2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae\n"},
		{Name: "public key", Dockerfile: from + "RUN echo '-----BEGIN PUBLIC KEY-----' > /k.pub\n"},
		{Name: "url without password", Dockerfile: from + "RUN git clone https://git@github.com/o/r.git && curl https://example.com:8443/x\n"},
	})
}
