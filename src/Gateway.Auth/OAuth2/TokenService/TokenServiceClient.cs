namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>A token-service client: its name, secret hashes and the scopes it may ask for.</summary>
internal sealed record TokenServiceClient(string Name, byte[][] SecretHashes, string[] Scopes);
