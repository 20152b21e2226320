package rules

import "testing"

func TestDL3013(t *testing.T) {
	cases := []Case{
		{Name: "unpinned", Dockerfile: "FROM python:3\nRUN pip install flask\n", Fire: true, Lines: []int{2}},
		{Name: "pip3 with options", Dockerfile: "FROM python:3\nRUN pip3 install --no-cache-dir -i https://pypi.example/simple flask==3 requests\n", Fire: true},
		{Name: "python -m pip", Dockerfile: "FROM python:3\nRUN python3 -m pip install --upgrade pip\n", Fire: true},
		{Name: "requirements plus loose package", Dockerfile: "FROM python:3\nRUN pip install -r requirements.txt gunicorn\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM python:3\nRUN <<EOF\nset -e\npip install flask\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "pinned", Dockerfile: "FROM python:3\nRUN pip install flask==3.0.3 'requests>=2.31,<3'\n"},
		{Name: "requirements", Dockerfile: "FROM python:3\nRUN pip install --no-cache-dir -r requirements.txt\n"},
		{Name: "constraints", Dockerfile: "FROM python:3\nRUN pip install -c constraints.txt flask\n"},
		{Name: "local and remote sources", Dockerfile: "FROM python:3\nRUN pip install . ./pkg dist/app-1.0-py3-none-any.whl git+https://x/y.git@v1 -e ./src\n"},
		{Name: "version from ARG", Dockerfile: "FROM python:3\nARG V=3.0.3\nRUN pip install flask==$V\n"},
		{Name: "unknown variable", Dockerfile: "FROM python:3\nARG PKGS\nRUN pip install $PKGS\n"},
		{Name: "pip list", Dockerfile: "FROM python:3\nRUN pip freeze > /r.txt\n"},
		{Name: "pipx is not pip", Dockerfile: "FROM python:3\nRUN pipx install black\n"},
		{Name: "stage not built", Dockerfile: "FROM python:3 AS lint\nRUN pip install ruff\nFROM python:3\nRUN true\n"},
		{Name: "exec form", Dockerfile: "FROM python:3\nRUN [\"pip\", \"install\", \"flask\"]\n", Fire: true},
		{Name: "continuation and || chain", Dockerfile: "FROM python:3\nRUN pip install --upgrade \\\n    pip setuptools || true\n", Fire: true},
		{Name: "vcs over ssh with a user but no ref", Dockerfile: "FROM python:3\nRUN pip install git+ssh://git@github.com/x/y.git\n", Fire: true},
		{Name: "multi-stage builder", Dockerfile: "FROM python:3 AS b\nRUN pip wheel -w /w . && pip install build\nFROM python:3\nCOPY --from=b /w /w\n", Fire: true},
		{Name: "stage not built under compat", Dockerfile: "FROM python:3 AS lint\nRUN pip install ruff\nFROM python:3\nRUN true\n", Fire: true, Config: compat},
		{Name: "exec form pinned; chain", Dockerfile: "FROM python:3\nRUN pip install flask==3.0.3; pip check\n"},
	}
	cases = append(cases, hadolintCases(true, "RUN pip2 install MySQL_python", "RUN pip3 install MySQL_python", "RUN pip install MySQL_python",
		"RUN python -m pip install example", "RUN python -m pip install --index-url url example",
		"RUN pip install git+https://github.com/rtfd/read-ext.git#egg=read-ext", "RUN pip install git+ssh://github.com/rtfd/read-ext.git#egg=read-ext")...)
	cases = append(cases, hadolintCases(false, "RUN pip3 install MySQL_python==1.2.2", "RUN pip3 install mypkg.whl", "RUN pip3 install mypkg.tar.gz",
		"RUN pip install -r requirements.txt", "RUN pip install --requirement requirements.txt", "RUN pip install .",
		"RUN pip install MySQL_python==1.2.2", "RUN pip install MySQL_python~=1.2.2", "RUN pip install MySQL_python===1.2.2",
		"RUN pip install --ignore-installed MySQL_python==1.2.2", "RUN pip3 install --build /opt/yamllint yamllint==1.20.0",
		"RUN pip3 install --prefix /opt/yamllint yamllint==1.20.0", "RUN pip3 install --root /opt/yamllint yamllint==1.20.0",
		"RUN pip3 install --target /opt/yamllint yamllint==1.20.0", "RUN pip3 install --trusted-host host example==1.2.2",
		"RUN python -m pip install example==1.2.2", "RUN pip install git+https://github.com/rtfd/r-ext.git@0.6-alpha#egg=r-ext",
		"RUN pip install git+ssh://github.com/rtfd/r-ext.git@0.6-alpha#egg=r-ext", "RUN pip install foo/bar",
		"RUN pip install https://foo.bar/baz.zip", "RUN pip install 'alabaster>=0.7'", "RUN pip install 'alabaster<0.7'",
		"RUN pip install 'alabaster!=0.7'", "RUN pip install MySQL_python==1.2.2 --user",
		"RUN pip install MySQL_python==1.2.2 --disable-pip-version-check", "RUN pip install --index-url https://eg.com/foo foobar==1.0.0",
		"RUN pip install --index-url https://eg.com/foo --extra-index-url https://ex-eg.io/foo foobar==1.0.0",
		"RUN pip install MySQL_python==1.2.2 --no-cache-dir", "RUN pip install pykafka --constraint http://foo.bar.baz",
		"RUN pip install pykafka -c http://foo.bar.baz",
		"RUN pip install --index-url https://user:pass@eg.com/foo --extra-index-url https://user:pass@ex-eg.io/foo foobar==1.0.0",
		"RUN pipenv install black")...)
	runCases(t, DL3013, cases)
}
