using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

/// <summary>
/// A configuration source the gateway reloads itself: a change to it asks the
/// <see cref="ConfigReloadGuard"/> to read every such source again and publish them only if the whole
/// configuration then validates. Until then, and when it does not, the provider keeps serving its last
/// good data.
/// </summary>
internal abstract class ValidatedConfigurationProvider(ConfigReloadGuard guard) : ConfigurationProvider, IDisposable
{
    private static readonly TimeSpan ReloadDelay = TimeSpan.FromMilliseconds(250);

    private IDisposable? _watch;

    /// <summary>The file or directory, for log lines.</summary>
    public abstract string Location { get; }

    /// <summary>
    /// The source as it stands now. Throws <see cref="GatewayConfigException"/> (or an I/O exception)
    /// when it cannot be read; at start that stops the gateway, on a reload it rejects the change.
    /// </summary>
    public abstract IDictionary<string, string?> Read();

    public override void Load() => Data = Read();

    /// <summary>
    /// True when <paramref name="candidate"/> is what this provider already serves, keys compared in
    /// their exact case: a client renamed only in case is a change (its id is forwarded as written).
    /// </summary>
    public bool Holds(IDictionary<string, string?> candidate)
    {
        if (candidate.Count != Data.Count)
        {
            return false;
        }
        var keys = new HashSet<string>(Data.Keys, StringComparer.Ordinal);
        return candidate.All(kv => keys.Contains(kv.Key) && Data.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    /// <summary>
    /// Makes validated candidates live together: every provider's data first, then their reload
    /// signals, so whatever reacts to the first signal already reads all of the new data, never the
    /// new config file with the old secrets.
    /// </summary>
    public static void PublishTogether(IReadOnlyCollection<KeyValuePair<ValidatedConfigurationProvider, IDictionary<string, string?>>> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (var (provider, data) in candidates)
        {
            provider.Data = data;
        }
        List<Exception>? failures = null;
        foreach (var (provider, _) in candidates)
        {
            try
            {
                provider.OnReload();
            }
            catch (AggregateException ex)
            {
                // A listener failed; the other providers still signal.
                (failures ??= []).AddRange(ex.InnerExceptions);
            }
        }
        if (failures is not null)
        {
            throw new AggregateException(failures);
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _watch?.Dispose();
        }
    }

    /// <summary>Reloads, through the guard, whenever a token from <paramref name="changes"/> fires.</summary>
    protected void ReloadOn(Func<IChangeToken?> changes) => _watch = ChangeToken.OnChange(changes, () => _ = ReloadSoonAsync());

    private async Task ReloadSoonAsync()
    {
        // Editors and secret mounts write in several steps; wait for the change to settle before reading.
        await Task.Delay(ReloadDelay);
        await guard.ReloadAsync();
    }
}
