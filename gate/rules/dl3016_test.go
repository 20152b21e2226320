package rules

import "testing"

func TestDL3016(t *testing.T) {
	cases := []Case{
		{Name: "unpinned", Dockerfile: "FROM node:22\nRUN npm install -g typescript\n", Fire: true, Lines: []int{2}},
		{Name: "npm i", Dockerfile: "FROM node:22\nRUN npm i express\n", Fire: true},
		{Name: "dist-tag", Dockerfile: "FROM node:22\nRUN npm install -g npm@latest\n", Fire: true},
		{Name: "scoped unpinned", Dockerfile: "FROM node:22\nRUN npm install @angular/cli\n", Fire: true},
		{Name: "git without ref", Dockerfile: "FROM node:22\nRUN npm install user/repo\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM node:22\nRUN <<EOF\nnpm install -g pnpm\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "pinned", Dockerfile: "FROM node:22\nRUN npm install -g typescript@5.6.3 @angular/cli@18.2.0\n"},
		{Name: "project install", Dockerfile: "FROM node:22\nRUN npm install && npm ci\n"},
		{Name: "local and tarball", Dockerfile: "FROM node:22\nRUN npm install ./pkg /tmp/x.tgz https://example.com/a.tgz user/repo#v1.0.0\n"},
		{Name: "option values", Dockerfile: "FROM node:22\nRUN npm install --prefix /opt/app --registry https://r.example\n"},
		{Name: "version from ARG", Dockerfile: "FROM node:22\nARG V=5.6.3\nRUN npm install -g typescript@$V\n"},
		{Name: "unknown variable", Dockerfile: "FROM node:22\nARG PKG\nRUN npm install -g $PKG\n"},
		{Name: "stage not built", Dockerfile: "FROM node:22 AS dev\nRUN npm i -g nodemon\nFROM node:22\nRUN true\n"},
	}
	// Ported from hadolint's test/Hadolint/Rule/DL3016Spec.hs.
	cases = append(cases, hadolintCases(false, "RUN npm install", "RUN npm install --progress=false", "RUN npm install express@4.1.1", "RUN npm install @myorg/privatepackage@\">=0.1.0\"", "RUN npm install express@\"4.1.1\" sax@0.1.1", "RUN npm install --global express@\"4.1.1\"", "RUN npm install -g express@\"4.1.1\"", "RUN npm install package-v1.2.3.tar", "RUN npm install package-v1.2.3.tar.gz", "RUN npm install package-v1.2.3.tgz", "RUN npm install /folder", "RUN npm install ./folder", "RUN npm install ../folder", "RUN npm install ~/folder", "RUN npm install git+ssh://git@github.com:npm/npm.git#v1.0.27", "RUN npm install git+http://isaacs@github.com/npm/npm#semver:^5.0", "RUN npm install git+https://isaacs@github.com/npm/npm.git#v1.0.27", "RUN npm install git://github.com/npm/npm.git#v1.0.27", "RUN npm run --crazy install", "RUN npm install @myorg/privatepackage@\">=0.1.0 <0.2.0\"", "RUN npm install --loglevel verbose sax@0.1.1", "RUN npm install --registry https://example.com sax@0.1.1")...)
	cases = append(cases, hadolintCases(true, "RUN npm install express", "RUN npm install @myorg/privatepackage", "RUN npm install express sax@0.1.1", "RUN npm install --global express", "RUN npm install git+ssh://git@github.com:npm/npm.git", "RUN npm install git+http://isaacs@github.com/npm/npm", "RUN npm install git+https://isaacs@github.com/npm/npm.git", "RUN npm install git://github.com/npm/npm.git", "RUN npm install --registry https://example.com express", "RUN npm install --registry=https://example.com express")...)
	runCases(t, DL3016, cases)
}
