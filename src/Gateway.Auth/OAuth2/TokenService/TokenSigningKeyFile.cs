using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.OAuth2.TokenService;

/// <summary>Development only: makes the token service's signing key on first start, so the demo runs on a fresh clone.</summary>
public static class TokenSigningKeyFile
{
    public static void CreateIfMissing(IConfiguration configuration, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TokenServiceDefaults.ConfigSection);
        var file = section["SigningKeyFile"];
        if (!bool.TryParse(section["Enabled"], out var enabled) || !enabled || string.IsNullOrEmpty(file))
        {
            return;
        }
        var path = Path.GetFullPath(file, baseDirectory);
        if (!File.Exists(path))
        {
            TokenSigningKey.CreateFile(path);
        }
    }
}
