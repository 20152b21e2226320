package rules

import "github.com/crank-platform/terraform-provider-crank/gate/dockerfile"

// DL3074: dotnet restore without a cache mount for the NuGet packages folder.
var DL3074 = Rule{
	ID:       "DL3074",
	Name:     "nuget-cache-mount",
	Severity: Info,
	Summary:  "Mount a BuildKit cache at ~/.nuget/packages for RUNs that restore .NET packages.",
	Why: "`dotnet restore` (and `build`, `publish`, `test`, which restore first) and `nuget restore` download " +
		"every package into the global packages folder, `~/.nuget/packages`. Without a cache mount it is baked " +
		"into the layer, bloating the image, and every rebuild downloads it again. Use " +
		"`RUN --mount=type=cache,target=/root/.nuget/packages dotnet restore`.",
	Bad:  "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY app.csproj .\nRUN dotnet restore\n",
	Good: "FROM mcr.microsoft.com/dotnet/sdk:8.0\nWORKDIR /src\nCOPY app.csproj .\nRUN --mount=type=cache,target=/root/.nuget/packages dotnet restore\n",
	Differences: toolCacheMountDifferences("`dotnet` with `restore`, `build`, `publish` or `test` among its arguments, or "+
		"`nuget restore`", "the subcommand itself is read, so `dotnet pack` and `nuget install` count and `dotnet run test` "+
		"does not", "`.nuget/packages`", "`NUGET_PACKAGES`"),
	Equivalents: Equivalents{Hadolint: []string{"DL3074"}},
	Check: func(ctx *Context) {
		checkToolCacheMount(ctx, toolCacheMount{
			uses: func(c *dockerfile.SimpleCommand) bool {
				return firstOperandIn(c, []string{"dotnet"}, nil, false, "restore", "build", "publish", "test", "pack") ||
					firstOperandIn(c, []string{"nuget", "nuget.exe"}, nil, false, "restore", "install")
			},
			usesCompat: func(c *dockerfile.SimpleCommand) bool {
				return hadolintHasArgs(c, "dotnet", "restore", "build", "publish", "test") || hadolintHasArgs(c, "nuget", "restore")
			},
			fragments: []string{".nuget/packages"},
			envDirs:   []string{"NUGET_PACKAGES"},
			message:   "NuGet fills its packages folder in this layer; add --mount=type=cache,target=/root/.nuget/packages to the RUN",
		})
	},
}
