namespace Gateway.Auth.Mtls;

public static class MtlsDefaults
{
    public const string AuthenticationScheme = "Mtls";
    public const string ConfigSection = "Auth:Mtls";
}
