using System.Text;
using Microsoft.AspNetCore.Authentication;

namespace Gateway.Auth.Hmac;

/// <summary>Bound from <c>Auth:Hmac</c>; a new instance on every config reload.</summary>
public sealed class HmacOptions : AuthenticationSchemeOptions
{
    private Dictionary<string, HmacClient>? _index;

    /// <summary>How far a request's <c>X-Timestamp</c> may lie from the gateway's clock, in the past or the future.</summary>
    public TimeSpan MaxSkew { get; set; } = HmacDefaults.DefaultMaxSkew;

    /// <summary>
    /// <see cref="MaxSkew"/> in whole seconds, the unit of timestamps and of the nonce store: a conversion
    /// that cannot throw, whatever the config held. Config validation keeps MaxSkew from 1 second to an
    /// hour, so this is never 0; a fraction of a second is dropped.
    /// </summary>
    internal long MaxSkewSeconds => (long)MaxSkew.TotalSeconds;

    /// <summary>The largest signed body the gateway reads; larger bodies get 413.</summary>
    public long MaxBodyBytes { get; set; } = HmacDefaults.DefaultMaxBodyBytes;

    /// <summary>The longest the gateway waits for the next piece of a signed body; then 408.</summary>
    public TimeSpan BodyReadTimeout { get; set; } = HmacDefaults.DefaultBodyReadTimeout;

    public Dictionary<string, HmacClientOptions> Clients { get; init; } = new(StringComparer.Ordinal);

    internal HmacClient? Find(string keyId) =>
        (_index ??= BuildIndex()).GetValueOrDefault(keyId);

    private Dictionary<string, HmacClient> BuildIndex()
    {
        var index = new Dictionary<string, HmacClient>(StringComparer.Ordinal);
        foreach (var (keyId, client) in Clients)
        {
            // Clients without a secret never get this far: config validation rejects them at load.
            if (!string.IsNullOrEmpty(client.Secret))
            {
                // A scope the config repeats is held (and forwarded) once.
                index[keyId] = new HmacClient(keyId, Encoding.UTF8.GetBytes(client.Secret), [.. client.Scopes.Distinct(StringComparer.Ordinal)]);
            }
        }
        return index;
    }
}

internal sealed record HmacClient(string KeyId, byte[] Secret, string[] Scopes);
