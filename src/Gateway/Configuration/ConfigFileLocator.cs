namespace Gateway.Configuration;

/// <summary>
/// Finds the config file: <c>--config FILE</c>; else <c>appsettings.json</c> in the working
/// directory, or in the repository root above it (so <c>dotnet run --project src/Gateway</c> edits
/// the root file); else the copy beside the binary.
/// </summary>
internal static class ConfigFileLocator
{
    public const string FileName = "appsettings.json";
    private const string RepositoryMarker = "Gateway.sln";

    public static string Locate(string? explicitPath, string workingDirectory)
    {
        if (explicitPath is not null)
        {
            return Path.GetFullPath(explicitPath, workingDirectory);
        }
        var local = Path.Combine(workingDirectory, FileName);
        if (File.Exists(local))
        {
            return local;
        }
        for (var directory = Directory.GetParent(workingDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, FileName);
            if (File.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, RepositoryMarker)))
            {
                return candidate;
            }
        }
        var beside = Path.Combine(AppContext.BaseDirectory, FileName);
        return File.Exists(beside) ? beside : local;
    }
}
