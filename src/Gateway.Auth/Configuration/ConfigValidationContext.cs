using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Configuration;

/// <summary>
/// What a validator sees: the whole configuration, the directory relative file paths resolve
/// against, and the list every error goes into. Errors name the config path at fault.
/// </summary>
public sealed class ConfigValidationContext(IConfiguration root, string baseDirectory)
{
    private readonly List<string> _errors = [];
    private readonly List<string> _errorPaths = [];

    public IConfiguration Root { get; } = root;

    public string BaseDirectory { get; } = baseDirectory;

    public IReadOnlyList<string> Errors => _errors;

    public void Error(string path, string message)
    {
        _errors.Add($"{path}: {message}");
        _errorPaths.Add(path);
    }

    /// <summary>True when an error was reported at <paramref name="path"/> or beneath it (any case, as config keys compare).</summary>
    public bool HasErrorAt(string path) =>
        _errorPaths.Exists(at => at.Equals(path, StringComparison.OrdinalIgnoreCase)
            || (at.Length > path.Length && at[path.Length] == ':' && at.StartsWith(path, StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// Reports <paramref name="clientId"/> (a client name, key id or CN, called <paramref name="what"/>
    /// in the message) at <paramref name="path"/> when it cannot be sent as <c>X-Client-Id</c>; true when it can.
    /// </summary>
    public bool CheckClientId(string path, string what, string clientId)
    {
        if (HeaderValue.ClientIdProblem(clientId) is not { } problem)
        {
            return true;
        }
        Error(path, $"the {what} {problem}; it becomes the X-Client-Id header, so it must be {HeaderValue.ClientIdRule}");
        return false;
    }

    /// <summary>Resolves a configured file path against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, BaseDirectory);
}
