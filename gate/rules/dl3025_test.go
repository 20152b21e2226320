package rules

import "testing"

func TestDL3025(t *testing.T) {
	runCases(t, DL3025, []Case{
		{Name: "shell CMD", Dockerfile: "FROM node:22\nCMD node server.js\n", Fire: true, Lines: []int{2}},
		{Name: "shell ENTRYPOINT", Dockerfile: "FROM node:22\nENTRYPOINT node server.js\n", Fire: true, Lines: []int{2}},
		{Name: "both", Dockerfile: "FROM node:22\nENTRYPOINT ./run\nCMD serve\n", Fire: true, Lines: []int{2, 3}},
		{Name: "inherited from parent stage", Dockerfile: "FROM node:22 AS base\nCMD node a.js\nFROM base\nRUN true\n", Fire: true, Lines: []int{2}},
		{Name: "target stage", Dockerfile: "FROM node:22 AS dev\nCMD npm run dev\nFROM node:22\nCMD [\"node\", \"a.js\"]\n", Target: "dev", Fire: true},
		{Name: "json", Dockerfile: "FROM node:22\nCMD [\"node\", \"server.js\"]\n"},
		{Name: "overridden by a later CMD", Dockerfile: "FROM node:22\nCMD node a.js\nCMD [\"node\", \"b.js\"]\n"},
		{Name: "build stage", Dockerfile: "FROM node:22 AS build\nCMD npm test\nFROM node:22\nCMD [\"node\", \"a.js\"]\n"},
		{Name: "parent overridden", Dockerfile: "FROM node:22 AS base\nCMD node a.js\nFROM base\nCMD [\"node\", \"b.js\"]\n"},
		{Name: "ENTRYPOINT exec, CMD shell", Dockerfile: "FROM node:22\nENTRYPOINT [\"node\"]\nCMD server.js --port 80\n", Fire: true},
		{Name: "lower-case json", Dockerfile: "FROM node:22\ncmd [\"node\", \"a.js\"]\n"},
	})
}
