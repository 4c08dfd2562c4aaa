namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>Bound from <c>Auth:TokenService</c>; a new instance on every config reload.</summary>
public sealed class TokenServiceOptions
{
    private TokenServiceClients? _clients;

    /// <summary>Off unless configured. <c>Enabled</c> and <c>Path</c> are read at start; the rest reloads live.</summary>
    public bool Enabled { get; set; }

    public string Path { get; set; } = TokenServiceDefaults.DefaultPath;

    public string Issuer { get; set; } = TokenServiceDefaults.DefaultIssuer;

    public string Audience { get; set; } = TokenServiceDefaults.DefaultAudience;

    /// <summary>PEM RSA private key. Without it the key is made at start and lives only in memory.</summary>
    public string? SigningKeyFile { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TokenServiceDefaults.DefaultTokenLifetime;

    public Dictionary<string, TokenServiceClientOptions> Clients { get; init; } = new(StringComparer.Ordinal);

    internal TokenServiceClients ClientIndex => _clients ??= TokenServiceClients.Build(Clients);
}
