using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Configuration;

/// <summary>
/// What a validator sees: the whole configuration, the directory relative file paths resolve
/// against, and the list every error goes into. Errors name the config path at fault.
/// </summary>
public sealed class ConfigValidationContext(IConfiguration root, string baseDirectory)
{
    private readonly List<string> _errors = [];

    public IConfiguration Root { get; } = root;

    public string BaseDirectory { get; } = baseDirectory;

    public IReadOnlyList<string> Errors => _errors;

    public void Error(string path, string message) => _errors.Add($"{path}: {message}");

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
        Error(path, $"the {what} {problem}; it becomes the X-Client-Id header, so it must be printable ASCII without commas or spaces at either end");
        return false;
    }

    /// <summary>Resolves a configured file path against <see cref="BaseDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, BaseDirectory);
}
