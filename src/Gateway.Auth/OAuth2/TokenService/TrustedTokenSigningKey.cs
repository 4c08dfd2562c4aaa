namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>
/// A key OAuth2 routes accept the token service's tokens from. <see cref="RetireAt"/> is null while
/// the key is current; once a new key replaces it, the time the last token it could have signed
/// expires (clock skew included), after which it is dropped.
/// </summary>
internal sealed record TrustedTokenSigningKey(TokenSigningKey Key, DateTimeOffset? RetireAt);
