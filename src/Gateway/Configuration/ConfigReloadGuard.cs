namespace Gateway.Configuration;

/// <summary>
/// Decides whether a changed config file may go live: the candidate is layered with the other
/// sources exactly as they stand (environment variables, secrets files, the other JSON file) and
/// validated whole. A rejected reload is logged and changes nothing.
/// </summary>
internal sealed partial class ConfigReloadGuard(string baseDirectory)
{
    private IConfigurationRoot? _root;
    private ILogger? _logger;

    public void Attach(IConfigurationRoot root) => _root = root;

    public void AttachLogger(ILogger logger) => _logger = logger;

    public IReadOnlyList<string> Validate(ValidatedJsonConfigurationProvider changed, IDictionary<string, string?> candidate)
    {
        var builder = new ConfigurationBuilder();
        foreach (var provider in _root?.Providers ?? [])
        {
            var layer = ReferenceEquals(provider, changed)
                ? candidate
                : provider is ValidatedJsonConfigurationProvider json ? json.Snapshot() : ConfigurationSnapshot.Flatten(provider);
            builder.AddInMemoryCollection(layer);
        }
        if (_root is null)
        {
            builder.AddInMemoryCollection(candidate);
        }
        return GatewayConfigValidator.Validate(builder.Build(), baseDirectory);
    }

    public void Rejected(string path, IReadOnlyList<string> errors)
    {
        if (_logger is not null)
        {
            LogRejected(_logger, path, errors.Count, string.Join(" | ", errors));
        }
    }

    public void Accepted(string path)
    {
        if (_logger is not null)
        {
            LogAccepted(_logger, path);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Config reload of {Path} rejected; the last good config keeps serving. {ErrorCount} error(s): {Errors}")]
    private static partial void LogRejected(ILogger logger, string path, int errorCount, string errors);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Config reload of {Path} applied")]
    private static partial void LogAccepted(ILogger logger, string path);
}
