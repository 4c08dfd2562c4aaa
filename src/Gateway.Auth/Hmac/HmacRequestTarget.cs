namespace Gateway.Auth.Hmac;

/// <summary>
/// The signed <c>path</c> is the request target exactly as it came over the wire. YARP routes and
/// forwards the decoded, normalised path instead, so a target that normalisation would change could
/// be signed as one resource and reach another. Such targets are refused on Hmac routes: only the
/// origin form (<c>/path?query</c>) of printable ASCII, with no dot segments, no empty segments
/// (<c>//</c>), no backslash and no encoded <c>/</c>, <c>.</c> or <c>\</c> in the path.
/// </summary>
internal static class HmacRequestTarget
{
    public static bool IsCanonical(string? target)
    {
        if (string.IsNullOrEmpty(target) || target[0] != '/')
        {
            return false;
        }
        foreach (var c in target)
        {
            if (c <= 0x20 || c >= 0x7F || c == '#')
            {
                return false;
            }
        }

        var query = target.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? target.AsSpan() : target.AsSpan(0, query);
        if (path.Contains('\\') || path.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }
        if (path.Contains("%2F", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%2E", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5C", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        foreach (var range in path.Split('/'))
        {
            var segment = path[range];
            if (segment is "." or "..")
            {
                return false;
            }
        }
        return true;
    }
}
