using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Gateway.Auth.Hmac.Nonces;

/// <summary><c>/readyz</c>: Redis answers a PING. Unhealthy while it does not (HMAC routes answer 503 then).</summary>
internal sealed class RedisHealthCheck(RedisConnection connection) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var multiplexer = await connection.GetAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            if (!multiplexer.IsConnected)
            {
                return HealthCheckResult.Unhealthy("Redis (HMAC nonce store) is not connected");
            }
            var latency = await multiplexer.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis answered in {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return HealthCheckResult.Unhealthy("Redis (HMAC nonce store) is not answering");
        }
    }
}
