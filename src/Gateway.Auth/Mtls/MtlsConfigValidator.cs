using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Auth.Configuration;
using Gateway.Auth.Scopes;
using Microsoft.Extensions.Configuration;

namespace Gateway.Auth.Mtls;

internal static class MtlsConfigValidator
{
    public static void Validate(ConfigValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var section = context.Root.GetSection(MtlsDefaults.ConfigSection);
        if (!section.Exists() && !AnyRouteUsesMtls(context.Root))
        {
            return;
        }

        var authorities = ValidateTrustedCaFile(context, section["TrustedCaFile"]);
        ValidateRevocation(context, section, authorities);

        foreach (var entry in section.GetSection("AllowedSelfSigned").GetChildren())
        {
            if (!MtlsTrust.TryParseThumbprint(entry.Value, out _))
            {
                context.Error($"{MtlsDefaults.ConfigSection}:AllowedSelfSigned:{entry.Key}", "expected a SHA-256 certificate thumbprint (64 hex characters, colons allowed)");
            }
        }

        foreach (var client in section.GetSection("Clients").GetChildren())
        {
            var path = $"{MtlsDefaults.ConfigSection}:Clients:{client.Key}";
            context.CheckClientId(path, "CN", client.Key);
            ScopeListValidator.Validate(context, client.GetSection("Scopes"), $"{path}:Scopes");
        }
    }

    private static X509Certificate2Collection? ValidateTrustedCaFile(ConfigValidationContext context, string? file)
    {
        var path = $"{MtlsDefaults.ConfigSection}:TrustedCaFile";
        if (string.IsNullOrWhiteSpace(file))
        {
            context.Error(path, "is missing (a PEM file with the CA certificate(s) client certificates must chain to)");
            return null;
        }
        var resolved = context.ResolvePath(file);
        if (!File.Exists(resolved))
        {
            context.Error(path, $"file '{resolved}' does not exist");
            return null;
        }
        try
        {
            var authorities = MtlsTrust.LoadAuthorities(resolved);
            foreach (var authority in authorities)
            {
                var constraints = authority.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
                if (constraints is { CertificateAuthority: false })
                {
                    context.Error(path, $"'{authority.Subject}' in '{resolved}' is not a CA certificate (basic constraints CA:FALSE)");
                }
            }
            return authorities;
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or CryptographicException or UnauthorizedAccessException)
        {
            context.Error(path, $"file '{resolved}' could not be read: {ex.Message}");
            return null;
        }
    }

    private static void ValidateRevocation(ConfigValidationContext context, IConfigurationSection section, X509Certificate2Collection? authorities)
    {
        var modePath = $"{MtlsDefaults.ConfigSection}:RevocationMode";
        var mode = X509RevocationMode.NoCheck;
        var text = section["RevocationMode"];
        if (text is not null && (!Enum.TryParse(text, ignoreCase: true, out mode) || !Enum.IsDefined(mode) || int.TryParse(text, out _)))
        {
            context.Error(modePath, $"'{text}' is not one of NoCheck, Offline, Online");
            return;
        }

        var crlPath = $"{MtlsDefaults.ConfigSection}:CrlFile";
        var crlFile = section["CrlFile"];
        if (mode != X509RevocationMode.Offline)
        {
            if (!string.IsNullOrWhiteSpace(crlFile))
            {
                context.Error(crlPath, "is only used with RevocationMode Offline");
            }
            return;
        }
        if (string.IsNullOrWhiteSpace(crlFile))
        {
            context.Error(crlPath, "is missing (RevocationMode Offline checks client certificates against this CRL file)");
            return;
        }
        var resolved = context.ResolvePath(crlFile);
        if (!File.Exists(resolved))
        {
            context.Error(crlPath, $"file '{resolved}' does not exist");
            return;
        }
        if (authorities is null)
        {
            return;
        }
        try
        {
            MtlsRevocationList.LoadFile(resolved, authorities);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or CryptographicException or FormatException or UnauthorizedAccessException)
        {
            context.Error(crlPath, $"file '{resolved}' could not be used: {ex.Message}");
        }
    }

    private static bool AnyRouteUsesMtls(IConfiguration root)
    {
        foreach (var route in root.GetSection("ReverseProxy:Routes").GetChildren())
        {
            if (string.Equals(route["Metadata:Auth"]?.Trim(), MtlsDefaults.AuthenticationScheme, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
