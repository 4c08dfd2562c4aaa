using System.Net.Http.Headers;

namespace Gateway.Proxy;

internal static class ProxyRequestHeaders
{
    /// <summary>
    /// Removes every header whose name <paramref name="matches"/>, all copies, from the request and its
    /// content headers: one pass over each, allocating only when something matches.
    /// </summary>
    public static void RemoveMatching(HttpRequestMessage request, Func<string, bool> matches)
    {
        Remove(request.Headers, matches);
        if (request.Content is not null)
        {
            Remove(request.Content.Headers, matches);
        }
    }

    /// <summary>
    /// The same for the incoming request's headers, which YARP's transforms read on a route that does
    /// not copy them (<c>RequestHeadersCopy: false</c>).
    /// </summary>
    public static void RemoveMatching(IHeaderDictionary headers, Func<string, bool> matches)
    {
        List<string>? found = null;
        foreach (var name in headers.Keys)
        {
            if (matches(name))
            {
                (found ??= []).Add(name);
            }
        }
        if (found is not null)
        {
            foreach (var name in found)
            {
                headers.Remove(name);
            }
        }
    }

    private static void Remove(HttpHeaders headers, Func<string, bool> matches)
    {
        List<string>? found = null;
        foreach (var header in headers.NonValidated)
        {
            if (matches(header.Key))
            {
                (found ??= []).Add(header.Key);
            }
        }
        if (found is not null)
        {
            foreach (var name in found)
            {
                headers.Remove(name);
            }
        }
    }
}
