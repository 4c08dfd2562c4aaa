using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Primitives;

namespace Gateway.Hosting;

/// <summary>
/// The <c>Kestrel:Limits</c> Kestrel started with. Kestrel reads its limits once, when it starts, so a
/// reload that changes them goes live for everything else while the running server keeps the old
/// limits; this says so in the log, naming the keys, until the gateway restarts.
/// </summary>
internal sealed partial class KestrelLimitsInEffect
{
    private readonly Lock _lock = new();
    private Dictionary<string, string?>? _applied;
    private Dictionary<string, string?>? _seen;

    /// <summary>Applies <paramref name="configuration"/>'s limits onto Kestrel's and remembers them as the ones in effect.</summary>
    public void Apply(IConfiguration configuration, KestrelServerLimits limits)
    {
        var section = configuration.GetSection(KestrelLimits.SectionPath);
        // The config was validated before Kestrel asks for its options; a value that fails here was
        // reported there, and Kestrel keeps its default for it.
        KestrelLimits.Apply(section, limits, static (_, _) => { });
        var snapshot = Snapshot(section);
        lock (_lock)
        {
            _applied = snapshot;
            _seen = snapshot;
        }
    }

    /// <summary>Logs, after each reload of <paramref name="configuration"/>, when its limits have changed from the ones in effect.</summary>
    public IDisposable WatchReloads(IConfiguration configuration, ILogger logger) =>
        ChangeToken.OnChange(configuration.GetReloadToken, () => OnReload(configuration, logger));

    private void OnReload(IConfiguration configuration, ILogger logger)
    {
        var current = Snapshot(configuration.GetSection(KestrelLimits.SectionPath));
        Dictionary<string, string?> applied;
        lock (_lock)
        {
            if (_applied is null || _seen is null || SameAs(current, _seen))
            {
                // Kestrel has not started yet (it will read the new limits), or this reload left them alone.
                return;
            }
            _seen = current;
            applied = _applied;
        }
        var changed = applied.Keys.Union(current.Keys, StringComparer.OrdinalIgnoreCase)
            .Where(key => applied.GetValueOrDefault(key) != current.GetValueOrDefault(key))
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(key => $"{KestrelLimits.SectionPath}:{key}")
            .ToList();
        if (changed.Count > 0)
        {
            LogRestartNeeded(logger, string.Join(", ", changed));
        }
        else
        {
            LogBackInEffect(logger);
        }
    }

    private static Dictionary<string, string?> Snapshot(IConfigurationSection section)
    {
        var snapshot = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            snapshot[key] = value;
        }
        return snapshot;
    }

    private static bool SameAs(Dictionary<string, string?> a, Dictionary<string, string?> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var value) && value == kv.Value);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Config reload changed {Keys}; Kestrel's limits are fixed while it runs, so the ones it started with keep serving until the gateway restarts")]
    private static partial void LogRestartNeeded(ILogger logger, string keys);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Config reload: Kestrel:Limits is back to the limits Kestrel started with")]
    private static partial void LogBackInEffect(ILogger logger);
}
