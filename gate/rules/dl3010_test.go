package rules

import "testing"

func TestDL3010(t *testing.T) {
	runCases(t, DL3010, []Case{
		{Name: "copy then extract", Dockerfile: "FROM debian:12\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz -C /opt\n", Fire: true, Lines: []int{2}},
		{Name: "old-style tar flags", Dockerfile: "FROM debian:12\nCOPY dist/app.tgz /tmp/app.tgz\nRUN cd /opt && tar xzf /tmp/app.tgz\n", Fire: true, Lines: []int{2}},
		{Name: "extract in heredoc", Dockerfile: "FROM debian:12\nCOPY app.tar.xz /tmp/\nRUN <<EOF\ntar --extract -f /tmp/app.tar.xz\nEOF\n", Fire: true},
		{Name: "exec form", Dockerfile: "FROM debian:12\nCOPY app.tar /tmp/\nRUN [\"tar\", \"-xf\", \"/tmp/app.tar\"]\n", Fire: true},
		{Name: "continuation and ; chain", Dockerfile: "FROM debian:12\nCOPY app.tar /tmp/\nRUN cd /opt; \\\n    tar -xf /tmp/app.tar || exit 1\n", Fire: true, Lines: []int{2}},
		// Ported from hadolint's DL3010Spec.
		{Name: "hadolint: extract 1", Dockerfile: "FROM debian:12\nCOPY packaged-app.tar /usr/src/app\nRUN tar -xf /usr/src/app/packaged-app.tar\n", Fire: true, Hadolint: true},
		{Name: "hadolint: extract 2", Dockerfile: "FROM debian:12\nCOPY packaged-app.tar /usr/src/app\nWORKDIR /usr/src/app\nRUN foo bar && echo something && tar -xf packaged-app.tar\n", Fire: true, Hadolint: true},
		{Name: "hadolint: target names the archive", Dockerfile: "FROM debian:12\nCOPY foo/bar/packaged-app.tar /foo.tar\nRUN tar -xf /foo.tar\n", Fire: true, Hadolint: true},
		{Name: "hadolint: windows paths 1", Dockerfile: "FROM debian:12\nCOPY build\\foo\\bar.tar.gz \"C:\\Program Files\\Foo\"\nRUN tar -xf \"C:\\Program Files\\Foo\\bar.tar.gz\"\n", Fire: true, Hadolint: true},
		{Name: "hadolint: windows paths 2", Dockerfile: "FROM debian:12\nCOPY build\\foo\\bar.tar.gz \"C:\\Program Files\\foo.tar.gz\"\nRUN tar -xf foo.tar.gz\n", Fire: true, Hadolint: true},
		{Name: "build stage under compat", Dockerfile: "FROM debian:12 AS build\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\nFROM scratch\nCOPY --from=build /opt /opt\n", Fire: true, Config: compat},
		{Name: "hadolint: copy archive without extract", Dockerfile: "FROM debian:12\nCOPY packaged-app.tar /usr/src/app\nFROM debian:11 as newstage\n", Hadolint: true},
		{Name: "hadolint: non archive", Dockerfile: "FROM debian:12\nCOPY package.json /usr/src/app\n", Hadolint: true},
		{Name: "hadolint: copy from previous stage", Dockerfile: "FROM debian:12\nCOPY --from=builder /usr/local/share/some.tar /opt/some.tar\n", Hadolint: true},
		{Name: "copy archive without extracting", Dockerfile: "FROM debian:12\nCOPY app.tar.gz /srv/downloads/\n"},
		{Name: "zip is not a tar", Dockerfile: "FROM debian:12\nCOPY app.zip /tmp/\nRUN unzip /tmp/app.zip\n"},
		{Name: "creating an archive", Dockerfile: "FROM debian:12\nCOPY app.tar /tmp/\nRUN tar -cf /tmp/app.tar /etc\n"},
		{Name: "copy from stage", Dockerfile: "FROM debian:12 AS b\nRUN tar -czf /a.tgz /etc\nFROM debian:12\nCOPY --from=b /a.tgz /tmp/\nRUN tar -xzf /tmp/a.tgz\n"},
		{Name: "add already", Dockerfile: "FROM debian:12\nADD app.tar.gz /opt/\n"},
		{Name: "extracted in the next stage", Dockerfile: "FROM debian:12\nCOPY app.tar /tmp/\nFROM debian:12\nRUN tar -xf /tmp/app.tar\n"},
		{Name: "build stage", Dockerfile: "FROM debian:12 AS build\nCOPY app.tar.gz /tmp/\nRUN tar -xzf /tmp/app.tar.gz\nFROM scratch\nCOPY --from=build /opt /opt\n"},
	})
}
