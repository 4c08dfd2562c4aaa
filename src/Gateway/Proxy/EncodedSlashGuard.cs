using Gateway.Auth.Problems;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Proxy;

/// <summary>
/// Refuses, before routing, paths whose meaning a backend could change by decoding them: an encoded
/// <c>/</c> or <c>\</c>, or a raw <c>\</c> (Envoy's <c>path_with_escaped_slashes_action: REJECT</c>).
/// Routing sees <c>/public/..%2Fadmin</c> as a public path; a backend that decodes before resolving
/// dot segments would see <c>/admin</c>. (YARP would forward <c>%2F</c> double-encoded anyway, so
/// APIs that put encoded slashes in a segment cannot be served through it as they are.)
/// </summary>
internal static class EncodedSlashGuard
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (target is not null && HasAmbiguousSlash(target))
        {
            return ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, "encoded '/' or '\\' in the request path is refused");
        }
        return next(context);
    }

    private static readonly System.Buffers.SearchValues<string> Ambiguous =
        System.Buffers.SearchValues.Create(["%2F", "%5C", "\\"], StringComparison.OrdinalIgnoreCase);

    /// <summary>True when the path part (before '?') holds <c>%2F</c>, <c>%5C</c> (any case) or <c>\</c>.</summary>
    internal static bool HasAmbiguousSlash(ReadOnlySpan<char> target) => PathOf(target).ContainsAny(Ambiguous);

    /// <summary>The path part of a raw request target: everything before the first '?'.</summary>
    internal static ReadOnlySpan<char> PathOf(ReadOnlySpan<char> target)
    {
        var query = target.IndexOf('?');
        return query < 0 ? target : target[..query];
    }
}
