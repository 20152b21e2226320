package rules

import "testing"

func TestDL3042(t *testing.T) {
	runCases(t, DL3042, []Case{
		{Name: "pip install", Dockerfile: "FROM python:3.12\nRUN pip install requests\n", Fire: true, Lines: []int{2}},
		{Name: "pip3 with options first", Dockerfile: "FROM python:3.12\nRUN pip3 --disable-pip-version-check install -r requirements.txt\n", Fire: true},
		{Name: "python -m pip", Dockerfile: "FROM python:3.12\nRUN python3.12 -m pip install -U pip\n", Fire: true},
		{Name: "sudo", Dockerfile: "FROM python:3.12\nRUN sudo -H pip install x\n", Fire: true},
		{Name: "heredoc", Dockerfile: "FROM python:3.12\nRUN <<EOF\nset -e\npip install x\nEOF\n", Fire: true, Lines: []int{4}},
		{Name: "env var set to false", Dockerfile: "FROM python:3.12\nENV PIP_NO_CACHE_DIR=false\nRUN pip install x\n", Fire: true},
		{Name: "parent of target", Dockerfile: "FROM python:3.12 AS base\nRUN pip install x\nFROM base\n", Fire: true, Lines: []int{2}},
		{Name: "no-cache-dir", Dockerfile: "FROM python:3.12\nRUN pip install --no-cache-dir requests\n"},
		{Name: "ENV", Dockerfile: "FROM python:3.12\nENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n"},
		{Name: "ENV from ARG", Dockerfile: "FROM python:3.12\nARG NC=1\nENV PIP_NO_CACHE_DIR=$NC\nRUN pip install x\n"},
		{Name: "prefix assignment", Dockerfile: "FROM python:3.12\nRUN PIP_NO_CACHE_DIR=1 pip install x\n"},
		{Name: "export", Dockerfile: "FROM python:3.12\nRUN export PIP_NO_CACHE_DIR=1 && pip install x\n"},
		{Name: "cache mount", Dockerfile: "FROM python:3.12\nRUN --mount=type=cache,target=/root/.cache/pip pip install x\n"},
		{Name: "cache purge", Dockerfile: "FROM python:3.12\nRUN pip install x && pip cache purge\n"},
		{Name: "rm cache", Dockerfile: "FROM python:3.12\nRUN pip install x && rm -rf /root/.cache\n"},
		{Name: "build stage only", Dockerfile: "FROM python:3.12 AS build\nRUN pip install --user x\nFROM python:3.12-slim\nCOPY --from=build /root/.local /root/.local\n"},
		{Name: "pip download", Dockerfile: "FROM python:3.12\nRUN pip download x\n"},
		{Name: "quoted", Dockerfile: "FROM python:3.12\nRUN echo 'pip install x'\n"},
		{Name: "uv", Dockerfile: "FROM python:3.12\nRUN uv pip install x\n"},
	})
}
