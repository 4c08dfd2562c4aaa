namespace Gateway.Auth.Mtls;

/// <summary>One allowed certificate CN (the key under <c>Auth:Mtls:Clients</c>) and the scopes it holds.</summary>
public sealed class MtlsClientOptions
{
    public List<string> Scopes { get; init; } = [];
}
