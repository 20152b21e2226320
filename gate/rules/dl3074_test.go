package rules

import "testing"

func TestDL3074(t *testing.T) {
	cases := []Case{
		{Name: "pack", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet pack -o /out\n", Fire: true},
		{Name: "dotnet run with test argument", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet run --no-build -- test\n"},
		{Name: "publish", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet publish -c Release -o /out\n", Fire: true, Lines: []int{2}},
		{Name: "chain", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet restore && dotnet build --no-restore\n", Fire: true},
		{Name: "continuation", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN cd /src \\\n && dotnet test\n", Fire: true, Lines: []int{3}},
		{Name: "heredoc", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN <<EOF\ndotnet restore\nEOF\n", Fire: true, Lines: []int{3}},
		{Name: "exec form", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN [\"dotnet\", \"restore\"]\n", Fire: true},
		{Name: "build stage copied from", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS b\nRUN dotnet publish -o /out\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY --from=b /out /app\n", Fire: true, Lines: []int{2}},
		{Name: "cache mount", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN --mount=type=cache,target=/root/.nuget/packages dotnet publish -o /out\n"},
		{Name: "NUGET_PACKAGES mounted", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nENV NUGET_PACKAGES=/nuget\nRUN --mount=type=cache,target=/nuget dotnet restore\n"},
		{Name: "dotnet --info", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN dotnet --info\n"},
		{Name: "stage not built", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0 AS t\nRUN dotnet test\nFROM mcr.microsoft.com/dotnet/aspnet:8.0\n"},
		{Name: "quoted", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nRUN echo dotnet restore\n"},
		{Name: "NUGET_PACKAGES under compat", Dockerfile: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nENV NUGET_PACKAGES=/nuget\nRUN --mount=type=cache,target=/nuget dotnet restore\n", Fire: true, Config: compat},
	}
	// Ported from hadolint's DL3074Spec.
	cases = append(cases, hadolintCases(true, "RUN dotnet restore", "RUN dotnet build", "RUN nuget restore",
		"RUN --mount=type=cache,target=/wrong/path dotnet restore")...)
	cases = append(cases, hadolintCases(false, "RUN echo hello", "RUN --mount=type=cache,target=/root/.nuget/packages dotnet restore",
		"RUN --mount=type=tmpfs,target=/root/.nuget/packages dotnet restore", "RUN --mount=type=cache,target=/home/app/.nuget/packages dotnet restore")...)
	runCases(t, DL3074, cases)
}
