using System.Security.Cryptography;
using Gateway.Auth.ApiKeys;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>The configured clients with parsed secret hashes; secrets are checked in constant time.</summary>
internal sealed class TokenServiceClients
{
    // Compared against when the client id is unknown, so that an unknown id costs the same as a wrong secret.
    private static readonly byte[] Decoy = SHA256.HashData("decoy"u8);

    private readonly Dictionary<string, TokenServiceClient> _clients;

    private TokenServiceClients(Dictionary<string, TokenServiceClient> clients)
    {
        _clients = clients;
    }

    public static TokenServiceClients Build(IReadOnlyDictionary<string, TokenServiceClientOptions> clients)
    {
        var index = new Dictionary<string, TokenServiceClient>(StringComparer.Ordinal);
        foreach (var (name, client) in clients)
        {
            var hashes = new List<byte[]>();
            foreach (var secret in client.Secrets)
            {
                // Invalid lines never get this far: config validation rejects them at load.
                if (KeyHash.TryParse(secret, out var hash))
                {
                    hashes.Add(hash);
                }
            }
            index[name] = new TokenServiceClient(name, [.. hashes], [.. client.Scopes]);
        }
        return new TokenServiceClients(index);
    }

    /// <summary>The client when <paramref name="secret"/> is one of its secrets; every stored hash is compared, without early exit.</summary>
    public TokenServiceClient? Authenticate(string clientId, string secret)
    {
        Span<byte> presented = stackalloc byte[KeyHash.HashLength];
        KeyHash.Compute(secret, presented);
        if (!_clients.TryGetValue(clientId, out var client))
        {
            _ = CryptographicOperations.FixedTimeEquals(Decoy, presented);
            return null;
        }
        var match = false;
        foreach (var hash in client.SecretHashes)
        {
            match |= CryptographicOperations.FixedTimeEquals(hash, presented);
        }
        return match ? client : null;
    }
}
