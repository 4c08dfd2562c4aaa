using System.Collections.Concurrent;
using Gateway.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Hosting;

/// <summary>
/// What <see cref="KestrelLimitsInEffect"/> logs on reloads: a restart warning (2011) once per distinct change of
/// <c>Kestrel:Limits</c>, and a note (2012) when a reload brings the limits back to those Kestrel started with.
/// The reload token of a <see cref="IConfigurationRoot"/> fires its callbacks on the reloading thread, so each
/// reload has been handled when <see cref="IConfigurationRoot.Reload"/> returns.
/// </summary>
public sealed class KestrelLimitsInEffectTests : IDisposable
{
    private const int RestartNeeded = 2011;
    private const int BackInEffect = 2012;
    private const string BodySize = "Kestrel:Limits:MaxRequestBodySize";

    private readonly IConfigurationRoot _configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            [BodySize] = "1000",
            ["Kestrel:Limits:MaxRequestHeaderCount"] = "50",
            ["Unrelated:Setting"] = "a",
        })
        .Build();

    private readonly ListLogger _log = new();
    private readonly IDisposable _watch;

    public KestrelLimitsInEffectTests()
    {
        var inEffect = new KestrelLimitsInEffect();
        inEffect.Apply(_configuration, new KestrelServerOptions().Limits);
        _watch = inEffect.WatchReloads(_configuration, _log);
    }

    public void Dispose() => _watch.Dispose();

    private void Reload(string key, string value)
    {
        _configuration[key] = value;
        _configuration.Reload();
    }

    private List<ListLogger.Entry> Logged(int eventId) => [.. _log.Entries.Where(e => e.EventId == eventId)];

    [Fact]
    public void ASecondReload_WithTheSameChangedLimits_DoesNotWarnAgain()
    {
        Reload(BodySize, "100000");
        var warning = Assert.Single(Logged(RestartNeeded));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains(BodySize, warning.Message, StringComparison.Ordinal);

        // Reloads that leave the changed limits as they are: something else changed, then nothing did.
        Reload("Unrelated:Setting", "b");
        Reload(BodySize, "100000");
        Assert.Single(Logged(RestartNeeded));

        // The watcher still handles reloads: a further, different change warns again.
        Reload("Kestrel:Limits:MaxRequestHeaderCount", "60");
        Assert.Equal(2, Logged(RestartNeeded).Count);
        Assert.Contains("Kestrel:Limits:MaxRequestHeaderCount", Logged(RestartNeeded)[1].Message, StringComparison.Ordinal);
        Assert.Empty(Logged(BackInEffect));
    }

    [Fact]
    public void AReload_RestoringTheOriginalLimits_SaysTheyAreBackInEffect()
    {
        Reload(BodySize, "100000");
        Assert.Single(Logged(RestartNeeded));
        Assert.Empty(Logged(BackInEffect));

        Reload(BodySize, "1000");

        var back = Assert.Single(Logged(BackInEffect));
        Assert.Equal(LogLevel.Information, back.Level);
        Assert.Contains("back to the limits Kestrel started with", back.Message, StringComparison.Ordinal);
        Assert.Single(Logged(RestartNeeded));
        Assert.Equal(2, _log.Entries.Count);
    }

    [Fact]
    public void AReload_ThatNeverChangedTheLimits_LogsNothing()
    {
        Reload("Unrelated:Setting", "b");
        Reload(BodySize, "1000");

        Assert.Empty(_log.Entries);
    }

    private sealed class ListLogger : ILogger
    {
        public sealed record Entry(int EventId, LogLevel Level, string Message);

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue(new Entry(eventId.Id, logLevel, formatter(state, exception)));
    }
}
