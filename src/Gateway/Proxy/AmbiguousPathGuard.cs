using System.Buffers;
using System.Text.Unicode;
using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Proxy;

/// <summary>
/// Refuses, before routing, paths whose meaning a backend could change after routing has decided:
/// <list type="bullet">
/// <item>an encoded <c>/</c> or <c>\</c>, or a raw <c>\</c> (Envoy's <c>path_with_escaped_slashes_action:
/// REJECT</c>). Routing sees <c>/public/..%2Fadmin</c> as a public path; a backend that decodes before
/// resolving dot segments would see <c>/admin</c>. (YARP would forward <c>%2F</c> double-encoded
/// anyway, so APIs that put encoded slashes in a segment cannot be served through it as they are.)</item>
/// <item>a <c>;</c>, raw or as <c>%3B</c> (Spring's <c>StrictHttpFirewall</c>). Servlet containers strip
/// <c>;params</c> from each segment before resolving dot segments, so <c>/public/..;/admin</c> routes as
/// public and is served as <c>/admin</c>, and <c>/admin;x/users</c> misses the <c>/admin</c> route but is
/// served as <c>/admin/users</c>.</item>
/// <item>a <c>%</c> that does not start valid percent-encoding of UTF-8 (<c>%FF</c>, <c>%zz</c>, overlong
/// <c>%C0%AE</c>, a trailing <c>%</c>). Kestrel leaves such a <c>%</c> undecoded and YARP then escapes it, so
/// the backend would get another path (<c>/a%25FF</c>) than the client sent, and signed.</item>
/// </list>
/// The query string may hold anything but a <c>%</c> without two hex digits after it (YARP escapes that
/// one too: <c>?q=%zz</c> would arrive as <c>?q=%25zz</c>).
/// </summary>
internal static class AmbiguousPathGuard
{
    internal const string EncodedSlashRefused = "encoded '/' or '\\' in the request path is refused";
    internal const string PathParameterRefused = "';' in the request path is refused (path parameters are not forwarded)";
    internal const string BadPercentEncodingRefused = "the request target has invalid percent-encoding (a '%' must be followed by two hex digits, and the path must decode to UTF-8)";

    /// <summary>Paths up to this length are checked for percent-encoding on the stack.</summary>
    private const int StackPathLength = 512;

    private static readonly SearchValues<string> Ambiguous =
        SearchValues.Create(["%2F", "%5C", "\\", ";", "%3B"], StringComparison.OrdinalIgnoreCase);

    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var refusal = target is null ? null : Refusal(target);
        return refusal is null
            ? next(context)
            : ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, refusal);
    }

    /// <summary>Why <paramref name="target"/> is refused, or null when it is not.</summary>
    internal static string? Refusal(ReadOnlySpan<char> target)
    {
        var path = PathOf(target);
        var query = target[path.Length..];
        var at = path.IndexOfAny(Ambiguous);
        if (at >= 0)
        {
            return path[at] == ';' || path[at..].StartsWith("%3B", StringComparison.OrdinalIgnoreCase)
                ? PathParameterRefused
                : EncodedSlashRefused;
        }
        return (path.Contains('%') && !IsValidPercentEncoding(path)) || (query.Contains('%') && !HasHexAfterEveryPercent(query))
            ? BadPercentEncodingRefused
            : null;
    }

    /// <summary>True when every <c>%</c> in <paramref name="text"/> is followed by two hex digits.</summary>
    internal static bool HasHexAfterEveryPercent(ReadOnlySpan<char> text)
    {
        for (var at = text.IndexOf('%'); at >= 0; at = text.IndexOf('%'))
        {
            if (!TryReadEscape(text, at, out _))
            {
                return false;
            }
            text = text[(at + 3)..];
        }
        return true;
    }

    /// <summary>
    /// True when every <c>%</c> in <paramref name="path"/> is followed by two hex digits and the bytes the
    /// path decodes to are valid UTF-8 (what Kestrel decodes in full; it leaves anything else as sent).
    /// </summary>
    internal static bool IsValidPercentEncoding(ReadOnlySpan<char> path)
    {
        // Decoding only ever shortens: at most one byte per char, except raw non-ASCII (up to 3 bytes).
        var maxBytes = path.Length * 3;
        byte[]? rented = null;
        var bytes = maxBytes <= StackPathLength ? stackalloc byte[StackPathLength] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        try
        {
            var length = 0;
            for (var i = 0; i < path.Length; i++)
            {
                var c = path[i];
                if (c == '%')
                {
                    if (!TryReadEscape(path, i, out bytes[length++]))
                    {
                        return false;
                    }
                    i += 2;
                }
                else if (char.IsAscii(c))
                {
                    bytes[length++] = (byte)c;
                }
                else
                {
                    // Raw non-ASCII is not percent-encoding; it only has to leave the decoded bytes valid.
                    length += System.Text.Encoding.UTF8.GetBytes(path.Slice(i, 1), bytes[length..]);
                }
            }
            return Utf8.IsValid(bytes[..length]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The byte of the <c>%XX</c> escape at <paramref name="at"/>; false when two hex digits do not follow the <c>%</c>.</summary>
    private static bool TryReadEscape(ReadOnlySpan<char> text, int at, out byte value)
    {
        value = 0;
        return at + 2 < text.Length
            && byte.TryParse(text.Slice(at + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The path part of a raw request target: everything before the first '?'.</summary>
    internal static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> target)
    {
        var query = target.IndexOf('?');
        return query < 0 ? target : target[..query];
    }
}
