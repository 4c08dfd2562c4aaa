namespace Gateway.Auth.OAuth2;

public static class OAuth2Defaults
{
    public const string AuthenticationScheme = "OAuth2";
    public const string ConfigSection = "Auth:OAuth2";
}
