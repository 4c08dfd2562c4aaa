using System.Security.Cryptography;
using System.Text;

namespace Gateway.Auth.Hmac;

/// <summary>
/// The canonical message and its signature, as the reference client computes them:
/// <c>f"{method}\n{path}\n{timestamp}\n{nonce}\n".encode() + body</c>, HMAC-SHA256, hex. The header
/// values are used exactly as received (their text is the signed text), and the body is streamed into
/// the hash so it is never copied.
/// </summary>
internal static class HmacSignature
{
    public const int Length = 32;

    /// <summary>Starts the HMAC over the message's header part; the caller appends the body and finishes.</summary>
    public static IncrementalHash Begin(byte[] secret, string method, string target, string timestamp, string nonce)
    {
        var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        var prefixLength = MaxPrefixBytes(method, target, timestamp, nonce);
        var buffer = prefixLength <= StackPrefixBytes ? stackalloc byte[StackPrefixBytes] : new byte[prefixLength];
        hmac.AppendData(buffer[..WritePrefix(buffer, method, target, timestamp, nonce)]);
        return hmac;
    }

    /// <summary>The whole signature in one call: one-shot over a stack buffer when the message is small (a request without a body).</summary>
    public static byte[] Compute(byte[] secret, string method, string target, string timestamp, string nonce, ReadOnlySpan<byte> body)
    {
        var prefixLength = MaxPrefixBytes(method, target, timestamp, nonce);
        if (prefixLength + body.Length > StackPrefixBytes)
        {
            using var hmac = Begin(secret, method, target, timestamp, nonce);
            hmac.AppendData(body);
            return hmac.GetHashAndReset();
        }
        Span<byte> message = stackalloc byte[StackPrefixBytes];
        var written = WritePrefix(message, method, target, timestamp, nonce);
        body.CopyTo(message[written..]);
        return HMACSHA256.HashData(secret, message[..(written + body.Length)]);
    }

    private const int StackPrefixBytes = 1024;

    private static int MaxPrefixBytes(string method, string target, string timestamp, string nonce) =>
        Encoding.UTF8.GetMaxByteCount(method.Length + target.Length + timestamp.Length + nonce.Length) + 4;

    private static int WritePrefix(Span<byte> buffer, string method, string target, string timestamp, string nonce)
    {
        var written = 0;
        foreach (var part in (ReadOnlySpan<string>)[method, target, timestamp, nonce])
        {
            written += Encoding.UTF8.GetBytes(part, buffer[written..]);
            buffer[written++] = (byte)'\n';
        }
        return written;
    }

    /// <summary>Decodes a presented signature: exactly 64 hex characters, lower or upper case.</summary>
    public static bool TryParse(string? value, Span<byte> destination)
    {
        if (value is null || value.Length != HmacDefaults.SignatureLength || destination.Length != Length)
        {
            return false;
        }
        return Convert.FromHexString(value, destination, out _, out var written) == System.Buffers.OperationStatus.Done && written == Length;
    }

    /// <summary>Constant-time comparison of the decoded bytes: the time taken does not depend on where they differ.</summary>
    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> presented) =>
        CryptographicOperations.FixedTimeEquals(expected, presented);

    /// <summary>Unix seconds as decimal digits only: no sign, no exponent, no spaces, at most <see cref="HmacDefaults.MaxTimestampLength"/> digits.</summary>
    public static bool TryParseTimestamp(string? value, out long seconds)
    {
        seconds = 0;
        if (string.IsNullOrEmpty(value) || value.Length > HmacDefaults.MaxTimestampLength)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            seconds = (seconds * 10) + (c - '0');
        }
        return true;
    }

    /// <summary>A nonce is 8 to 128 characters of <c>A-Z a-z 0-9 - _ . ~ + / =</c> (hex, UUIDs, base64 and base64url all fit).</summary>
    public static bool IsValidNonce(string? value)
    {
        if (value is null || value.Length < HmacDefaults.MinNonceLength || value.Length > HmacDefaults.MaxNonceLength)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~' or '+' or '/' or '='))
            {
                return false;
            }
        }
        return true;
    }
}
