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
}
