using System.Diagnostics.CodeAnalysis;

namespace Gateway.Configuration;

/// <summary>
/// Decides whether a changed config file or secrets directory may go live: the candidate is layered
/// with the other sources exactly as they stand (environment variables, secrets files, the other
/// JSON file) and validated whole, YARP's own checks included. A rejected reload is logged, naming
/// the fields at fault (never a secret's value), and changes nothing.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore never creates a wait handle (AvailableWaitHandle is not used), so there is nothing to release.")]
internal sealed partial class ConfigReloadGuard(GatewayConfigValidator validator)
{
    // One reload at a time, so two sources that change together are validated together.
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private IConfigurationRoot? _root;
    private ILogger? _logger;

    public void Attach(IConfigurationRoot root) => _root = root;

    public void AttachLogger(ILogger logger) => _logger = logger;

    /// <summary>Reads <paramref name="changed"/> again and publishes what it read only if the whole config then validates.</summary>
    public async Task ReloadAsync(ValidatedConfigurationProvider changed)
    {
        await _reloading.WaitAsync();
        try
        {
            IDictionary<string, string?> candidate;
            try
            {
                candidate = changed.Read();
            }
            catch (Exception ex) when (ex is GatewayConfigException or IOException or UnauthorizedAccessException)
            {
                Rejected(changed.Location, [ex is GatewayConfigException g ? string.Join("; ", g.Errors) : ex.Message]);
                return;
            }
            if (changed.Holds(candidate))
            {
                return;
            }

            IReadOnlyList<string> errors;
            try
            {
                errors = await validator.ValidateAsync(Layered(changed, candidate));
            }
            catch (Exception ex)
            {
                // A config that cannot be checked does not go live.
                errors = [$"the config could not be checked: {ex.Message}"];
            }
            if (errors.Count > 0)
            {
                Rejected(changed.Location, errors);
                return;
            }
            changed.Publish(candidate);
            Accepted(changed.Location);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private IConfigurationRoot Layered(ValidatedConfigurationProvider changed, IDictionary<string, string?> candidate)
    {
        var builder = new ConfigurationBuilder();
        foreach (var provider in _root?.Providers ?? [])
        {
            var layer = ReferenceEquals(provider, changed)
                ? candidate
                : provider is ValidatedConfigurationProvider validated ? validated.Snapshot() : ConfigurationSnapshot.Flatten(provider);
            builder.AddInMemoryCollection(layer);
        }
        if (_root is null)
        {
            builder.AddInMemoryCollection(candidate);
        }
        return builder.Build();
    }

    private void Rejected(string path, IReadOnlyList<string> errors)
    {
        if (_logger is not null)
        {
            LogRejected(_logger, path, errors.Count, string.Join(" | ", errors));
        }
    }

    private void Accepted(string path)
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
