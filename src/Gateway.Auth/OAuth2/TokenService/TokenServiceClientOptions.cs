namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>One token-service client: its secret hashes (several during a rotation) and the scopes it may ask for.</summary>
public sealed class TokenServiceClientOptions
{
    public List<string> Secrets { get; init; } = [];
    public List<string> Scopes { get; init; } = [];
}
