using System.Diagnostics.CodeAnalysis;

namespace Gateway.Configuration;

/// <summary>
/// Decides what goes live when a config file or the secrets directory changes. Every validated source
/// is read again from disk, not just the one that changed, and the candidate (those reads, layered
/// with the sources the gateway does not watch, such as environment variables, exactly as they
/// stand) is validated whole, YARP's own checks included. If it validates, every source that differs
/// from what is live is published together; if not, nothing changes and the rejection is logged,
/// naming the fields at fault (never a secret's value). So a change that was rejected only for want
/// of its other half (a new HMAC client in the config before its secret file exists) goes live with
/// that half when it arrives, instead of waiting for someone to touch the first file again.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore never creates a wait handle (AvailableWaitHandle is not used), so there is nothing to release.")]
internal sealed partial class ConfigReloadGuard(GatewayConfigValidator validator)
{
    // One reload at a time. Each reads every source, so two sources that change together are
    // validated together, and the later reload finds nothing new.
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly Lock _attaching = new();
    private IConfigurationRoot? _root;
    private ILogger? _logger;
    private bool _changedBeforeAttach;

    /// <summary>Starts guarding <paramref name="root"/>'s validated sources, catching up on a change that came while the app was being built.</summary>
    public void Attach(IConfigurationRoot root, ILogger logger)
    {
        bool missed;
        lock (_attaching)
        {
            _root = root;
            _logger = logger;
            missed = _changedBeforeAttach;
        }
        if (missed)
        {
            _ = ReloadAsync();
        }
    }

    /// <summary>Reads every validated source again and publishes what differs only if the whole config then validates.</summary>
    public async Task ReloadAsync()
    {
        IConfigurationRoot root;
        lock (_attaching)
        {
            if (_root is null)
            {
                _changedBeforeAttach = true;
                return;
            }
            root = _root;
        }

        await _reloading.WaitAsync();
        try
        {
            await ReloadAllAsync([.. root.Providers]);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private async Task ReloadAllAsync(IReadOnlyList<IConfigurationProvider> providers)
    {
        var candidates = new Dictionary<ValidatedConfigurationProvider, IDictionary<string, string?>>(ReferenceEqualityComparer.Instance);
        foreach (var validated in providers.OfType<ValidatedConfigurationProvider>())
        {
            try
            {
                candidates[validated] = validated.Read();
            }
            catch (Exception ex) when (ex is GatewayConfigException or IOException or UnauthorizedAccessException)
            {
                // GatewayConfigException names the file and what is wrong; the I/O exceptions name the path.
                Rejected(validated.Location, ex is GatewayConfigException g ? g.Errors : [ex.Message]);
                return;
            }
        }
        var changed = candidates.Where(c => !c.Key.Holds(c.Value)).ToList();
        if (changed.Count == 0)
        {
            return;
        }
        var locations = string.Join(", ", changed.Select(c => c.Key.Location));

        IReadOnlyList<string> errors;
        try
        {
            errors = await validator.ValidateAsync(Layered(providers, candidates));
        }
        catch (Exception ex)
        {
            // A config that cannot be checked does not go live. The type, not the message: a message
            // may quote the value it choked on, and values can be secrets.
            errors = [$"the config could not be checked: {ex.GetType().Name} during validation"];
        }
        if (errors.Count > 0)
        {
            Rejected(locations, errors);
            return;
        }
        try
        {
            ValidatedConfigurationProvider.PublishTogether(changed);
        }
        catch (AggregateException ex)
        {
            // The data is live and every listener was called (a change token runs them all before it
            // throws); one of them failed. Say so, and that the reload itself applied.
            if (_logger is not null)
            {
                LogListenerFailed(_logger, locations, ex.InnerExceptions[0].GetType().Name);
            }
        }
        Accepted(locations);
    }

    /// <summary>The configuration the candidate would make: each validated source as read from disk, every other source as it stands, in their order.</summary>
    private static IConfigurationRoot Layered(
        IReadOnlyList<IConfigurationProvider> providers,
        Dictionary<ValidatedConfigurationProvider, IDictionary<string, string?>> candidates)
    {
        var builder = new ConfigurationBuilder();
        foreach (var provider in providers)
        {
            builder.AddInMemoryCollection(provider is ValidatedConfigurationProvider validated
                ? candidates[validated]
                : ConfigurationSnapshot.Flatten(provider));
        }
        return builder.Build();
    }

    private void Rejected(string locations, IReadOnlyList<string> errors)
    {
        if (_logger is not null)
        {
            LogRejected(_logger, locations, errors.Count, string.Join(" | ", errors));
        }
    }

    private void Accepted(string locations)
    {
        if (_logger is not null)
        {
            LogAccepted(_logger, locations);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Config reload of {Path} rejected; the last good config keeps serving. {ErrorCount} error(s): {Errors}")]
    private static partial void LogRejected(ILogger logger, string path, int errorCount, string errors);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Config reload of {Path} applied")]
    private static partial void LogAccepted(ILogger logger, string path);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Config reload of {Path}: a listener failed while the new config went live ({Error})")]
    private static partial void LogListenerFailed(ILogger logger, string path, string error);
}
