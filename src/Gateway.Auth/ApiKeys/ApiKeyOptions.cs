using Microsoft.AspNetCore.Authentication;

namespace Gateway.Auth.ApiKeys;

/// <summary>Bound from <c>Auth:ApiKey</c>; a new instance on every config reload.</summary>
public sealed class ApiKeyOptions : AuthenticationSchemeOptions
{
    private ApiKeyIndex? _index;

    /// <summary>The request header that carries the key.</summary>
    public string Header { get; set; } = ApiKeyDefaults.DefaultHeader;

    public Dictionary<string, ApiKeyClientOptions> Clients { get; init; } = new(StringComparer.Ordinal);

    internal ApiKeyIndex Index => _index ??= ApiKeyIndex.Build(Clients);
}
