package rules

import "testing"

func TestCG2003(t *testing.T) {
	runCases(t, CG2003, []Case{
		{Name: "apt allow unauthenticated", Dockerfile: "FROM debian:12\nRUN apt-get install -y --allow-unauthenticated curl\n", Fire: true, Lines: []int{2}},
		{Name: "apt force-yes", Dockerfile: "FROM debian:12\nRUN apt-get install -y --force-yes curl\n", Fire: true},
		{Name: "apt -o option", Dockerfile: "FROM debian:12\nRUN apt-get -o APT::Get::AllowUnauthenticated=true install -y curl\n", Fire: true},
		{Name: "trusted=yes source", Dockerfile: "FROM debian:12\nRUN echo \"deb [trusted=yes] http://repo.example.com/ ./\" > /etc/apt/sources.list.d/x.list\n", Fire: true},
		{Name: "trusted=yes with arch", Dockerfile: "FROM debian:12\nRUN echo 'deb [arch=amd64 trusted=yes] https://r/ ./' | tee /etc/apt/sources.list.d/x.list\n", Fire: true},
		{Name: "dnf nogpgcheck", Dockerfile: "FROM fedora:40\nRUN dnf install -y --nogpgcheck nginx\n", Fire: true},
		{Name: "sudo yum", Dockerfile: "FROM centos:7\nRUN sudo yum -y --nogpgcheck install nginx\n", Fire: true},
		{Name: "setopt gpgcheck", Dockerfile: "FROM fedora:40\nRUN dnf --setopt=*.gpgcheck=0 install -y nginx\n", Fire: true},
		{Name: "repo file gpgcheck=0 heredoc", Dockerfile: "FROM fedora:40\nCOPY <<EOF /etc/yum.repos.d/x.repo\n[x]\ngpgcheck=0\nEOF\n", Fire: true, Lines: []int{2}},
		{Name: "repo file via printf", Dockerfile: "FROM fedora:40\nRUN printf '[x]\\nbaseurl=https://r/\\ngpgcheck=0\\n' > /etc/yum.repos.d/x.repo\n", Fire: true},
		{Name: "apk allow untrusted", Dockerfile: "FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/x.apk\n", Fire: true},
		{Name: "rpm nosignature", Dockerfile: "FROM fedora:40\nRUN rpm -i --nosignature /tmp/x.rpm\n", Fire: true},
		{Name: "zypper", Dockerfile: "FROM opensuse/leap:15\nRUN zypper --no-gpg-checks install -y x\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM alpine:3.20\nRUN [\"apk\", \"add\", \"--allow-untrusted\", \"/x.apk\"]\n", Fire: true},
		{Name: "bash -c string", Dockerfile: "FROM fedora:40\nRUN bash -c \"dnf install -y --nogpgcheck x\"\n", Fire: true},
		{Name: "signed install", Dockerfile: "FROM fedora:40\nRUN rpm --import https://r/key && dnf install -y nginx\n"},
		{Name: "repo_gpgcheck=0 is default", Dockerfile: "FROM fedora:40\nCOPY <<EOF /etc/yum.repos.d/x.repo\n[x]\ngpgcheck=1\nrepo_gpgcheck=0\nEOF\n"},
		{Name: "signed-by source", Dockerfile: "FROM debian:12\nRUN echo \"deb [signed-by=/etc/apt/keyrings/x.gpg] https://r/ ./\" > /etc/apt/sources.list.d/x.list\n"},
		{Name: "apk untrusted as text", Dockerfile: "FROM alpine:3.20\nRUN echo 'do not use --allow-untrusted'\n"},
		{Name: "rpm upgrade bundle", Dockerfile: "FROM fedora:40\nRUN rpm -Uvh --nodigest /tmp/x.rpm\n", Fire: true},
		{Name: "rpm query with nosignature", Dockerfile: "FROM fedora:40\nRUN rpm -qa --nosignature | sort\n"},
		{Name: "rpm query", Dockerfile: "FROM fedora:40\nRUN rpm -qa\n"},
		{Name: "stage not built", Dockerfile: "FROM fedora:40 AS x\nRUN dnf install -y --nogpgcheck x\nFROM scratch\n"},
	})
}
