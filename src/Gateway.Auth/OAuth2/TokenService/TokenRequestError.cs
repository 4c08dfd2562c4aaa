namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>An RFC 6749 §5.2 error: the <c>error</c> code, a description safe to show, and the status.</summary>
internal sealed record TokenRequestError(string Error, string Description, int StatusCode = 400)
{
    public static TokenRequestError InvalidRequest(string description) => new("invalid_request", description);

    public static TokenRequestError InvalidClient(string description) => new("invalid_client", description, 401);

    public static TokenRequestError InvalidScope(string description) => new("invalid_scope", description);

    public static TokenRequestError UnsupportedGrantType(string description) => new("unsupported_grant_type", description);
}
