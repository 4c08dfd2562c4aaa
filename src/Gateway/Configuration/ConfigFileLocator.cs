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

    /// <summary>
    /// The gateway's content root is the config file's directory, so that every relative path in the
    /// config, Kestrel's certificate files included, resolves against it. A content root set with
    /// <c>--contentRoot</c>, <c>ASPNETCORE_CONTENTROOT</c> or <c>DOTNET_CONTENTROOT</c> that names another
    /// directory would be overridden without a word: this is the error saying so, or null when none is
    /// set or it names that directory.
    /// </summary>
    public static string? ContentRootConflict(string[] args, string configFile)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        if (string.IsNullOrEmpty(configured))
        {
            return null;
        }
        var configDirectory = Path.GetDirectoryName(configFile)!;
        // As the host resolves it: a relative content root is relative to the app's base directory.
        var contentRoot = Path.GetFullPath(configured, AppContext.BaseDirectory);
        if (string.Equals(Path.TrimEndingDirectorySeparator(contentRoot), Path.TrimEndingDirectorySeparator(configDirectory), StringComparison.Ordinal))
        {
            return null;
        }
        return $"content root: '{contentRoot}' is set (--contentRoot, ASPNETCORE_CONTENTROOT or DOTNET_CONTENTROOT), "
            + $"but the gateway's content root is the directory of its config file, '{configDirectory}', and relative paths in the config resolve against it; "
            + $"unset the content root, or pass --config {Path.Combine(contentRoot, FileName)}";
    }
}
