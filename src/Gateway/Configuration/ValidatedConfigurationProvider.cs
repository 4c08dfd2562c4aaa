using Microsoft.Extensions.Primitives;

namespace Gateway.Configuration;

/// <summary>
/// A configuration source the gateway reloads itself: on a change the source is read whole and handed
/// to the <see cref="ConfigReloadGuard"/>, which publishes it only if the whole configuration then
/// validates. Until then, and when it does not, the provider keeps serving its last good data.
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

    /// <summary>This provider's keys and values, for building a candidate with the other sources layered around it.</summary>
    public IDictionary<string, string?> Snapshot() => new Dictionary<string, string?>(Data, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="candidate"/> is what this provider already serves.</summary>
    public bool Holds(IDictionary<string, string?> candidate) =>
        candidate.Count == Data.Count && candidate.All(kv => Data.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>Makes a validated candidate live.</summary>
    public void Publish(IDictionary<string, string?> data)
    {
        Data = data;
        OnReload();
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
        await guard.ReloadAsync(this);
    }
}
