using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Gateway.Auth.Problems;

/// <summary>What happens to a body the gateway refused from its <c>Content-Length</c>, before reading it.</summary>
public static class RefusedBody
{
    /// <summary>
    /// Lets a client that sends the announced body anyway finish and read the answer: without a limit,
    /// Kestrel discards the unread body after the response, for at most its fixed drain time (5 s),
    /// and keeps the connection, instead of closing it under a client still writing (which then
    /// reports a broken pipe rather than the 413). Not for <c>Expect: 100-continue</c>: that client
    /// waits for a 100 that never comes and sends no body, so the connection closes at once, as before.
    /// </summary>
    public static void LetClientFinish(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit
            && !context.Request.Headers[HeaderNames.Expect].ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            limit.MaxRequestBodySize = null;
        }
    }
}
