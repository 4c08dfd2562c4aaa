using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary>
/// Starts connecting to Redis when the gateway starts, without waiting for it. On every (re)connection
/// it makes sure the epoch marker and the skew record exist (the record at the MaxSkew in force then)
/// and checks once that Redis will not evict nonces.
/// </summary>
internal sealed partial class RedisNonceStoreStartup(
    RedisConnection connection, RedisNonceStore store, IOptionsMonitor<HmacOptions> options, ILogger<RedisNonceStoreStartup> logger) : IHostedService
{
    private int _policyChecked;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        connection.Connected += OnConnected;
        _ = connection.GetAsync();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        connection.Connected -= OnConnected;
        return Task.CompletedTask;
    }

    private void OnConnected(ConnectionMultiplexer multiplexer) => _ = OnConnectedAsync(multiplexer);

    private async Task OnConnectedAsync(ConnectionMultiplexer multiplexer)
    {
        await store.EnsureEpochAsync(multiplexer, options.Get(HmacDefaults.AuthenticationScheme).MaxSkewSeconds);
        if (Interlocked.Exchange(ref _policyChecked, 1) == 0)
        {
            await CheckEvictionPolicyAsync(multiplexer);
        }
    }

    /// <summary>Reads <c>maxmemory-policy</c> (via <c>INFO memory</c>, which needs no admin mode) where the server allows it.</summary>
    private async Task CheckEvictionPolicyAsync(ConnectionMultiplexer multiplexer)
    {
        foreach (var server in multiplexer.GetServers())
        {
            if (!server.IsConnected || server.IsReplica)
            {
                continue;
            }
            try
            {
                var info = await server.InfoAsync("memory");
                var policy = info.SelectMany(group => group)
                    .FirstOrDefault(pair => pair.Key == "maxmemory_policy").Value;
                if (policy is null)
                {
                    LogPolicyUnknown(logger, server.EndPoint, null);
                }
                else if (!string.Equals(policy, "noeviction", StringComparison.Ordinal))
                {
                    LogEvictingPolicy(logger, server.EndPoint, policy);
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogPolicyUnknown(logger, server.EndPoint, ex);
            }
        }
    }

    [LoggerMessage(EventId = 5121, Level = LogLevel.Warning, Message = "Redis {EndPoint} has maxmemory-policy {Policy}: under memory pressure it can evict HMAC nonces and let replays through. Set maxmemory-policy noeviction")]
    private static partial void LogEvictingPolicy(ILogger logger, System.Net.EndPoint endPoint, string policy);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Information, Message = "Could not read maxmemory-policy from Redis {EndPoint} (INFO memory not allowed or without maxmemory_policy); make sure it is noeviction")]
    private static partial void LogPolicyUnknown(ILogger logger, System.Net.EndPoint endPoint, Exception? exception);
}
