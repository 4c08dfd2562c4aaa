namespace Gateway.Auth.OAuth2.TokenService;

public static class TokenServiceDefaults
{
    public const string ConfigSection = "Auth:TokenService";
    public const string DefaultPath = "/oauth/token";
    public const string JwksPath = "/.well-known/jwks.json";
    public const string DefaultIssuer = "gateway-token-service";
    public const string DefaultAudience = "gateway";
    public static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>A token request is a few short form fields; anything larger is refused unread.</summary>
    public const int MaxRequestBytes = 8 * 1024;

    /// <summary>Longest client id or secret looked at; longer ones fail client authentication.</summary>
    public const int MaxCredentialLength = 512;
}
