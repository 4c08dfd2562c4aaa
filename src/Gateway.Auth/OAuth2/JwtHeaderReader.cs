using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Gateway.Auth.OAuth2;

/// <summary>Reads the <c>alg</c> and <c>crit</c> of a compact JWS header without parsing the rest of the token.</summary>
internal static class JwtHeaderReader
{
    private const int MaxHeaderChars = 2048;

    /// <summary>The header's <c>alg</c> string, or null when the header cannot be read (the validator then says why).</summary>
    public static string? ReadAlgorithm(string token) => Read(token).Algorithm;

    /// <summary>
    /// The header's <c>alg</c> (null when the header cannot be read: the validator then says why) and
    /// whether it names critical extensions (<c>crit</c>, RFC 7515 4.1.11), none of which the gateway implements.
    /// </summary>
    public static (string? Algorithm, bool Critical) Read(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot > MaxHeaderChars)
        {
            return default;
        }
        var encoded = token.AsSpan(0, dot);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromChars(encoded, buffer, out _, out var written) != OperationStatus.Done)
            {
                return default;
            }
            var reader = new Utf8JsonReader(buffer.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }
            string? algorithm = null;
            var sawAlgorithm = false;
            var critical = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAlg = reader.ValueTextEquals("alg"u8);
                critical |= reader.ValueTextEquals("crit"u8);
                if (!reader.Read())
                {
                    return default;
                }
                if (isAlg && !sawAlgorithm)
                {
                    sawAlgorithm = true;
                    algorithm = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                reader.Skip();
            }
            return (algorithm, critical);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: GetString on a string with an unpaired surrogate escape ("\ud800").
            return default;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
