namespace Gateway.Auth.Configuration;

/// <summary>
/// The directory relative file paths in the config resolve against (the config file's directory).
/// The host registers it; strategies that read files (Mtls) resolve their paths against it, the
/// same way <see cref="ConfigValidationContext.ResolvePath"/> does at validation.
/// </summary>
public sealed record ConfigBaseDirectory(string Path)
{
    public string Resolve(string path) => System.IO.Path.GetFullPath(path, Path);
}
