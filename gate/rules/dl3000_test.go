package rules

import "testing"

func TestDL3000(t *testing.T) {
	runCases(t, DL3000, []Case{
		{Name: "relative", Dockerfile: "FROM debian:12\nWORKDIR app\n", Fire: true, Lines: []int{2}},
		{Name: "dot relative", Dockerfile: "FROM debian:12\nWORKDIR ./app\n", Fire: true},
		{Name: "relative from ARG", Dockerfile: "FROM debian:12\nARG DIR=app\nWORKDIR $DIR\n", Fire: true, Lines: []int{3}},
		{Name: "relative in build stage", Dockerfile: "FROM golang:1 AS build\nWORKDIR src\nFROM scratch\n", Fire: true, Lines: []int{2}},
		{Name: "absolute", Dockerfile: "FROM debian:12\nWORKDIR /app\n"},
		{Name: "quoted absolute", Dockerfile: "FROM debian:12\nWORKDIR \"/app dir\"\n"},
		{Name: "absolute from ENV", Dockerfile: "FROM debian:12\nENV APP=/srv/app\nWORKDIR $APP\n"},
		{Name: "absolute from build arg", Dockerfile: "FROM debian:12\nARG DIR\nWORKDIR $DIR\n", BuildArgs: map[string]string{"DIR": "/opt"}},
		{Name: "unknown variable", Dockerfile: "FROM debian:12\nWORKDIR $HOME\n"},
		{Name: "unknown variable prefix", Dockerfile: "FROM debian:12\nWORKDIR ${HOME}/app\n"},
		{Name: "windows drive", Dockerfile: "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n"},
		{Name: "windows forward slash", Dockerfile: "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:/app\n"},
		{Name: "relative with continuation", Dockerfile: "FROM debian:12\nWORKDIR \\\n  app/src\n", Fire: true, Lines: []int{2}},
	})
}
