using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Auth.ApiKeys;

/// <summary>
/// The stored form of a secret: <c>sha256:</c> followed by the lowercase hex SHA-256 of its UTF-8
/// bytes. Used for API keys and token-service client secrets.
/// </summary>
public static class KeyHash
{
    public const string Prefix = "sha256:";
    public const int HashLength = 32;

    /// <summary>The <c>sha256:</c> line for <paramref name="secret"/>.</summary>
    public static string Format(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>Parses a <c>sha256:&lt;64 hex&gt;</c> line into its 32 hash bytes.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out byte[]? hash)
    {
        hash = null;
        if (value is null || !value.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var hex = value.AsSpan(Prefix.Length);
        var bytes = new byte[HashLength];
        if (hex.Length != HashLength * 2 || Convert.FromHexString(hex, bytes, out _, out _) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }
        hash = bytes;
        return true;
    }

    /// <summary>Hashes <paramref name="secret"/> into <paramref name="destination"/> (32 bytes) without allocating for short secrets.</summary>
    public static void Compute(ReadOnlySpan<char> secret, Span<byte> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(secret);
        var rented = byteCount <= 1024 ? null : new byte[byteCount];
        var bytes = rented ?? stackalloc byte[byteCount];
        Encoding.UTF8.GetBytes(secret, bytes);
        SHA256.HashData(bytes, destination);
        CryptographicOperations.ZeroMemory(bytes);
    }

    /// <summary>Makes a new random secret: 32 random bytes, base64url, with a readable prefix.</summary>
    public static string NewSecret(string prefix = "sk-") =>
        prefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
