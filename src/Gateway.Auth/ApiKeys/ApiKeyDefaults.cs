namespace Gateway.Auth.ApiKeys;

public static class ApiKeyDefaults
{
    public const string AuthenticationScheme = "ApiKey";
    public const string ConfigSection = "Auth:ApiKey";
    public const string DefaultHeader = "X-API-Key";

    /// <summary>Longer keys are refused before hashing; real keys are far shorter.</summary>
    public const int MaxKeyLength = 512;
}
