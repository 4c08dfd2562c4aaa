namespace Gateway.Auth.ApiKeys;

/// <summary>One API-key client: its key hashes (several during a rotation) and the scopes it holds.</summary>
public sealed class ApiKeyClientOptions
{
    public List<string> Keys { get; init; } = [];
    public List<string> Scopes { get; init; } = [];
}
