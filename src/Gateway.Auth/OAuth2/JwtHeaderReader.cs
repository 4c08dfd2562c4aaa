using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Gateway.Auth.OAuth2;

/// <summary>Reads the <c>alg</c> of a compact JWS header without parsing the rest of the token.</summary>
internal static class JwtHeaderReader
{
    private const int MaxHeaderChars = 2048;

    /// <summary>The header's <c>alg</c> string, or null when the header cannot be read (the validator then says why).</summary>
    public static string? ReadAlgorithm(string token)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot > MaxHeaderChars)
        {
            return null;
        }
        var encoded = token.AsSpan(0, dot);
        var buffer = ArrayPool<byte>.Shared.Rent(Base64Url.GetMaxDecodedLength(encoded.Length));
        try
        {
            if (Base64Url.DecodeFromChars(encoded, buffer, out _, out var written) != OperationStatus.Done)
            {
                return null;
            }
            var reader = new Utf8JsonReader(buffer.AsSpan(0, written));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isAlg = reader.ValueTextEquals("alg"u8);
                if (!reader.Read())
                {
                    return null;
                }
                if (isAlg)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                reader.Skip();
            }
            return null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: GetString on a string with an unpaired surrogate escape ("\ud800").
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
