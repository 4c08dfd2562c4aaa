namespace Gateway.Tests.Infrastructure;

/// <summary>Sends hand-written HTTP/1.1 bytes over TLS, for request shapes HttpClient refuses to make.</summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="request"/> on a new connection and returns everything the server answers
    /// until it closes or goes quiet, or, with <paramref name="untilFirstResponse"/>, as soon as one whole
    /// response has arrived (for a request that leaves the connection open).
    /// </summary>
    public static async Task<string> SendAsync(Uri gateway, string request, TimeSpan? quiet = null, bool untilFirstResponse = false)
    {
        await using var connection = await RawHttpConnection.OpenAsync(gateway);
        await connection.WriteAsync(request);
        return await connection.ReadUntilQuietAsync(quiet ?? TimeSpan.FromSeconds(2), untilFirstResponse);
    }

    /// <summary>
    /// How many characters of <paramref name="answer"/> the first response takes (head and its body by
    /// Content-Length or up to the last chunk), or null while it is incomplete.
    /// </summary>
    internal static int? WholeResponseLength(string answer)
    {
        var end = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }
        foreach (var line in answer[..end].Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                var length = end + 4 + int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                return answer.Length >= length ? length : null;
            }
            if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase) && line.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                var last = answer.IndexOf("\r\n0\r\n\r\n", end, StringComparison.Ordinal);
                return last < 0 ? null : last + 7;
            }
        }
        return null;
    }

    /// <summary>The status code of the first response in <paramref name="answer"/>, or 0 when there is none.</summary>
    public static int StatusCode(string answer)
    {
        // "HTTP/1.1 401 Unauthorized"
        var parts = answer.Split("\r\n", 2)[0].Split(' ');
        return parts.Length > 1 && int.TryParse(parts[1], out var status) ? status : 0;
    }
}
