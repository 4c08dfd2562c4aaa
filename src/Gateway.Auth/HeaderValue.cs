namespace Gateway.Auth;

/// <summary>
/// The one rule for text that ends up in a header the gateway writes (client ids, scopes, CNs):
/// printable ASCII only, so no CR, LF or other control byte can split or forge a header.
/// </summary>
public static class HeaderValue
{
    public static bool IsPrintableAscii(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c < 0x20 || c > 0x7E)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The rule <see cref="ClientIdProblem"/> checks, in the words error messages use.</summary>
    public const string ClientIdRule = "printable ASCII without commas or spaces at either end";

    /// <summary>
    /// Why <paramref name="clientId"/> cannot be sent as <c>X-Client-Id</c>, or null when it can. Beyond
    /// printable ASCII, a client id is one list item: no comma (a backend that reads the header as a
    /// list would take <c>alice,admin</c> for two ids) and no space at either end (a header parser
    /// strips it, so <c>"admin "</c> would arrive as <c>admin</c>).
    /// </summary>
    public static string? ClientIdProblem(ReadOnlySpan<char> clientId)
    {
        if (clientId.IsEmpty)
        {
            return "is empty";
        }
        if (!IsPrintableAscii(clientId))
        {
            return "contains characters that cannot be forwarded";
        }
        if (clientId.Contains(','))
        {
            return "contains a comma";
        }
        if (clientId[0] == ' ' || clientId[^1] == ' ')
        {
            return "starts or ends with a space";
        }
        return null;
    }
}
