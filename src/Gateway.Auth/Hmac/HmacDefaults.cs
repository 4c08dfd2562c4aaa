namespace Gateway.Auth.Hmac;

public static class HmacDefaults
{
    public const string AuthenticationScheme = "Hmac";
    public const string ConfigSection = "Auth:Hmac";
}
