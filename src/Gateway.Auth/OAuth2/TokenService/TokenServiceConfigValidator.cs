using System.Security.Cryptography;
using Gateway.Auth.ApiKeys;
using Gateway.Auth.Configuration;
using Gateway.Auth.Scopes;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.OAuth2.TokenService;

internal static class TokenServiceConfigValidator
{
    private const string Section = TokenServiceDefaults.ConfigSection;
    private static readonly System.Buffers.SearchValues<char> PathSpecials = System.Buffers.SearchValues.Create("{}?#* ");

    /// <summary>Checks <c>Auth:TokenService</c>; returns true when it is enabled.</summary>
    public static bool Validate(ConfigValidationContext context)
    {
        var section = context.Root.GetSection(Section);
        var enabledText = section["Enabled"];
        if (enabledText is null)
        {
            return false;
        }
        if (!bool.TryParse(enabledText, out var enabled))
        {
            context.Error($"{Section}:Enabled", "must be true or false");
            return false;
        }
        if (!enabled)
        {
            return false;
        }

        var path = section["Path"];
        if (path is not null && (!path.StartsWith('/') || path.Length < 2 || path.AsSpan().IndexOfAny(PathSpecials) >= 0))
        {
            context.Error($"{Section}:Path", $"'{path}' must be a literal path starting with '/', e.g. {TokenServiceDefaults.DefaultPath}");
        }
        foreach (var field in new[] { "Issuer", "Audience" })
        {
            var value = section[field];
            if (value is not null && string.IsNullOrWhiteSpace(value))
            {
                context.Error($"{Section}:{field}", "is empty");
            }
        }
        // Each issuer is accepted only with its own keys: one name for both would refuse the provider's tokens.
        var issuer = section["Issuer"] ?? TokenServiceDefaults.DefaultIssuer;
        if (string.Equals(issuer, context.Root["Auth:OAuth2:Issuer"], StringComparison.Ordinal))
        {
            context.Error($"{Section}:Issuer", $"'{issuer}' is also Auth:OAuth2:Issuer; the token service needs an issuer of its own (each issuer's tokens are checked with that issuer's keys only)");
        }
        OAuth2ConfigValidator.CheckTimeSpan(context, section, "TokenLifetime", TimeSpan.FromSeconds(30), TimeSpan.FromDays(1));
        ValidateKeyFile(context, section["SigningKeyFile"]);

        var clients = section.GetSection("Clients").GetChildren().ToList();
        if (clients.Count == 0)
        {
            context.Error($"{Section}:Clients", "the token service is enabled but has no clients");
        }
        foreach (var client in clients)
        {
            var clientPath = $"{Section}:Clients:{client.Key}";
            context.CheckClientId(clientPath, "client id", client.Key);
            var secrets = client.GetSection("Secrets").GetChildren().ToList();
            if (secrets.Count == 0)
            {
                context.Error($"{clientPath}:Secrets", "client has no secrets (add a 'sha256:<hex>' line from `Gateway keys new`)");
            }
            foreach (var secret in secrets)
            {
                if (!KeyHash.TryParse(secret.Value, out _))
                {
                    // Never echo the value: it may be a raw secret pasted by mistake.
                    context.Error($"{clientPath}:Secrets:{secret.Key}", "expected 'sha256:' followed by 64 hex characters (store the hash, not the secret)");
                }
            }
            ScopeListValidator.Validate(context, client.GetSection("Scopes"), $"{clientPath}:Scopes");
        }
        return true;
    }

    private static void ValidateKeyFile(ConfigValidationContext context, string? file)
    {
        if (string.IsNullOrEmpty(file))
        {
            return;
        }
        var path = context.ResolvePath(file);
        try
        {
            _ = TokenSigningKey.Load(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Error($"{Section}:SigningKeyFile", $"cannot read '{path}': {ex.GetType().Name}");
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            context.Error($"{Section}:SigningKeyFile", $"'{path}' is not a PEM RSA private key of at least {TokenSigningKey.KeySizeInBits} bits");
        }
    }
}
