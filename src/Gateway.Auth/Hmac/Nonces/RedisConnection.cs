using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// The one multiplexer of the process. It connects in the background (start-up never waits for Redis),
/// reconnects by itself after Redis comes back, and fails fast while Redis is away: with short
/// timeouts and no command backlog, a request waits at most about a second before it gets its 503.
/// </summary>
internal sealed partial class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _options;
    private readonly ILogger<RedisConnection> _logger;
    private readonly Lock _lock = new();
    private Task<ConnectionMultiplexer>? _connecting;

    public RedisConnection(ConfigurationOptions options, ILogger<RedisConnection> logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <summary>Raised after every (re)connection, the first one included.</summary>
    public event Action<ConnectionMultiplexer>? Connected;

    /// <summary>Parses a StackExchange.Redis configuration string and applies the gateway's fail-fast defaults where it sets none.</summary>
    public static ConfigurationOptions CreateOptions(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        // Never give up: keep reconnecting in the background while requests get 503.
        options.AbortOnConnectFail = false;
        // Queueing commands while disconnected would hold requests until the timeout; fail at once instead.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        if (!Mentions(configuration, "connectTimeout"))
        {
            options.ConnectTimeout = 2000;
        }
        if (!Mentions(configuration, "syncTimeout"))
        {
            options.SyncTimeout = 1000;
        }
        if (!Mentions(configuration, "asyncTimeout"))
        {
            options.AsyncTimeout = 1000;
        }
        options.ReconnectRetryPolicy ??= new LinearRetry(1000);
        return options;
    }

    /// <summary>The multiplexer, once its first connection attempt has finished (successfully or not).</summary>
    public Task<ConnectionMultiplexer> GetAsync()
    {
        // Every signed request asks; once connected, the answer needs no lock.
        if (Volatile.Read(ref _connecting) is { IsCompletedSuccessfully: true } connected)
        {
            return connected;
        }
        lock (_lock)
        {
            if (_connecting is null || _connecting.IsFaulted || _connecting.IsCanceled)
            {
                _connecting = ConnectAsync();
            }
            return _connecting;
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_options);
        multiplexer.ConnectionFailed += (_, e) => LogConnectionFailed(_logger, e.EndPoint, e.FailureType);
        multiplexer.ConnectionRestored += (_, e) =>
        {
            LogConnectionRestored(_logger, e.EndPoint);
            Connected?.Invoke(multiplexer);
        };
        if (multiplexer.IsConnected)
        {
            Connected?.Invoke(multiplexer);
        }
        else
        {
            LogNotConnectedYet(_logger);
        }
        return multiplexer;
    }

    public async ValueTask DisposeAsync()
    {
        Task<ConnectionMultiplexer>? connecting;
        lock (_lock)
        {
            connecting = _connecting;
        }
        if (connecting is { IsCompletedSuccessfully: true })
        {
            await connecting.Result.DisposeAsync();
        }
    }

    /// <summary>True when one of the comma-separated <c>key=value</c> options is <paramref name="option"/> (not merely contains it: <c>asyncTimeout</c> is not <c>syncTimeout</c>).</summary>
    internal static bool Mentions(string configuration, string option)
    {
        foreach (var part in configuration.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part.AsSpan(0, equals).Trim().Equals(option, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Redis connection to {EndPoint} failed ({FailureType}); HMAC routes answer 503 until it is back")]
    private static partial void LogConnectionFailed(ILogger logger, System.Net.EndPoint? endPoint, ConnectionFailureType failureType);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Redis connection to {EndPoint} restored")]
    private static partial void LogConnectionRestored(ILogger logger, System.Net.EndPoint? endPoint);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Redis is not reachable yet; HMAC routes answer 503 until it is, reconnecting in the background")]
    private static partial void LogNotConnectedYet(ILogger logger);
}
