package rules

import "testing"

func TestDL3013(t *testing.T) {
	runCases(t, DL3013, []Case{
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
	})
}
