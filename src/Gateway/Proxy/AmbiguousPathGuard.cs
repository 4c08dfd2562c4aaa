using System.Buffers;
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
/// </list>
/// Only the path is checked; the query string may hold anything.
/// </summary>
internal static class AmbiguousPathGuard
{
    internal const string EncodedSlashRefused = "encoded '/' or '\\' in the request path is refused";
    internal const string PathParameterRefused = "';' in the request path is refused (path parameters are not forwarded)";

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

    /// <summary>Why the path part (before '?') of <paramref name="target"/> is refused, or null when it is not.</summary>
    internal static string? Refusal(ReadOnlySpan<char> target)
    {
        var path = PathOf(target);
        var at = path.IndexOfAny(Ambiguous);
        if (at < 0)
        {
            return null;
        }
        return path[at] == ';' || path[at..].StartsWith("%3B", StringComparison.OrdinalIgnoreCase)
            ? PathParameterRefused
            : EncodedSlashRefused;
    }

    /// <summary>The path part of a raw request target: everything before the first '?'.</summary>
    internal static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> target)
    {
        var query = target.IndexOf('?');
        return query < 0 ? target : target[..query];
    }
}
