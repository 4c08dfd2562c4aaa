namespace Gateway.Auth.Hmac;

/// <summary>One HMAC client, named by its key id: the shared secret and the scopes it holds.</summary>
public sealed class HmacClientOptions
{
    /// <summary>The shared secret; its UTF-8 bytes are the HMAC key. Prefer an environment variable or a secrets file.</summary>
    public string? Secret { get; set; }

    public List<string> Scopes { get; init; } = [];
}
