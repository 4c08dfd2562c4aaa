using Gateway.Auth.OAuth2;
using Gateway.Auth.OAuth2.TokenService;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Tests.OAuth2;

public sealed class TokenSigningKeyWatcherTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly string _directory = Directory.CreateTempSubdirectory("gw-keywatcher-").FullName;
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task ACheckThatThrows_IsLoggedWithoutTheKey_AndTheWatcherKeepsChecking()
    {
        var keyFile = Path.Combine(_directory, "key.pem");
        TokenSigningKey.CreateFile(keyFile);
        var options = new TogglingMonitor(new TokenServiceOptions { Enabled = true, SigningKeyFile = keyFile });
        using var provider = new TokenSigningKeyProvider(options, new FixedMonitor<OAuth2Options>(new OAuth2Options()),
            NullLogger<TokenSigningKeyProvider>.Instance, time: _time);
        var log = new ListLogger<TokenSigningKeyWatcher>();
        using var watcher = new TokenSigningKeyWatcher(provider, options, log, _time);
        await watcher.StartAsync(CancellationToken.None);
        var first = provider.Loaded(options.CurrentValue)!.Signing;

        // The loop starts on the thread pool, so the clock is moved on until a tick has failed.
        options.FailNextRead = true;
        await Wait.UntilAsync(() =>
        {
            _time.Advance(TokenSigningKeyWatcher.Interval);
            return !log.Entries.IsEmpty;
        }, Timeout, "the failed check is logged");

        // The next tick still looks at the file: a replaced key is picked up.
        TokenSigningKey.CreateFile(keyFile);
        File.SetLastWriteTimeUtc(keyFile, DateTime.UtcNow.AddMinutes(1));
        await Wait.UntilAsync(() =>
        {
            _time.Advance(TokenSigningKeyWatcher.Interval);
            return provider.Loaded(options.CurrentValue)!.Signing.KeyId != first.KeyId;
        }, Timeout, "the watcher checks the file again after a failed check");

        Assert.False(watcher.ExecuteTask!.IsCompleted);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Contains(keyFile, entry.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(InvalidOperationException), entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", entry.Message, StringComparison.Ordinal);
        Assert.Null(entry.Exception);
        await watcher.StopAsync(CancellationToken.None);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Options whose next read throws when told to, as a broken configuration provider might.</summary>
    private sealed class TogglingMonitor(TokenServiceOptions value) : IOptionsMonitor<TokenServiceOptions>
    {
        private int _failNext;

        public bool FailNextRead
        {
            set => Volatile.Write(ref _failNext, value ? 1 : 0);
        }

        public TokenServiceOptions CurrentValue => Interlocked.Exchange(ref _failNext, 0) == 1
            ? throw new InvalidOperationException("configuration unavailable")
            : value;

        public TokenServiceOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<TokenServiceOptions, string?> listener) => null;
    }

    private sealed class FixedMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    private sealed class ListLogger<T> : ILogger<T>
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = new();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
