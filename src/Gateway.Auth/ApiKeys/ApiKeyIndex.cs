using System.Security.Cryptography;

namespace Gateway.Auth.ApiKeys;

/// <summary>
/// The configured key hashes, searched in constant time: every entry is compared, with no early
/// exit, so the time taken does not depend on which key (if any) matched.
/// </summary>
internal sealed class ApiKeyIndex
{
    private readonly byte[] _hashes;
    private readonly ApiKeyClient[] _owners;

    private ApiKeyIndex(byte[] hashes, ApiKeyClient[] owners)
    {
        _hashes = hashes;
        _owners = owners;
    }

    public static ApiKeyIndex Build(IReadOnlyDictionary<string, ApiKeyClientOptions> clients)
    {
        var hashes = new List<byte>();
        var owners = new List<ApiKeyClient>();
        foreach (var (name, client) in clients)
        {
            // A scope the config repeats is held (and forwarded) once.
            var owner = new ApiKeyClient(name, [.. client.Scopes.Distinct(StringComparer.Ordinal)]);
            foreach (var key in client.Keys)
            {
                // Invalid lines never get this far: config validation rejects them at load.
                if (KeyHash.TryParse(key, out var hash))
                {
                    hashes.AddRange(hash);
                    owners.Add(owner);
                }
            }
        }
        return new ApiKeyIndex([.. hashes], [.. owners]);
    }

    public ApiKeyClient? Find(ReadOnlySpan<byte> hash)
    {
        var found = -1;
        for (var i = 0; i < _owners.Length; i++)
        {
            var candidate = _hashes.AsSpan(i * KeyHash.HashLength, KeyHash.HashLength);
            var equal = CryptographicOperations.FixedTimeEquals(candidate, hash);
            // Branch-free select keeps the loop's timing independent of the match position.
            found = equal ? i : found;
        }
        return found < 0 ? null : _owners[found];
    }
}

internal sealed record ApiKeyClient(string Name, string[] Scopes);
