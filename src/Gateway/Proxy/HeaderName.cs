namespace Gateway.Proxy;

/// <summary>
/// How a client-sent header name is compared with one the gateway guards: ASCII case ignored, and
/// <c>_</c> in the client's name matching <c>-</c>, because CGI, WSGI and PHP backends read
/// <c>X_Client_Id</c> and <c>X-Client-Id</c> alike, as <c>HTTP_X_CLIENT_ID</c>.
/// </summary>
internal static class HeaderName
{
    public static bool StartsWith(ReadOnlySpan<char> name, ReadOnlySpan<char> prefix) =>
        name.Length >= prefix.Length && Matches(name[..prefix.Length], prefix);

    /// <summary>Equal ignoring ASCII case, with <c>_</c> in <paramref name="name"/> matching <c>-</c> in <paramref name="guarded"/>.</summary>
    public static bool Matches(ReadOnlySpan<char> name, ReadOnlySpan<char> guarded)
    {
        if (name.Length != guarded.Length)
        {
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i] == '_' ? '-' : name[i];
            if (char.ToLowerInvariant(c) != char.ToLowerInvariant(guarded[i]))
            {
                return false;
            }
        }
        return true;
    }
}
