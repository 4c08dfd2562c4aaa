using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Auth.Configuration;

namespace Gateway.Hosting;

/// <summary>
/// What Kestrel itself would fail on in the <c>Kestrel</c> section, found before it listens: an HTTPS
/// endpoint without a server certificate, and certificate files that are missing or do not load.
/// Paths resolve as Kestrel resolves them, against the content root, which is the config file's
/// directory. Certificates from a store (<c>Subject</c>) are left to Kestrel. And the limits under
/// <c>Kestrel:Limits</c> that Kestrel would refuse, or that the gateway does not know.
/// </summary>
internal static class KestrelConfigValidator
{
    /// <param name="development">True in the Development environment.</param>
    /// <param name="developmentCertificate">
    /// True when Kestrel's HTTPS defaults hold the development certificate, which then serves every
    /// endpoint without one of its own: in Development, when no certificate was configured at start
    /// (<see cref="DevelopmentSetup.ServerCertificate"/>).
    /// </param>
    public static void Validate(ConfigValidationContext context, bool development, bool developmentCertificate)
    {
        KestrelLimits.Validate(context.Root, context.Error);
        var kestrel = context.Root.GetSection("Kestrel");
        ValidateClientCertificateMode(context, kestrel.GetSection("EndpointDefaults"));
        foreach (var endpoint in kestrel.GetSection("Endpoints").GetChildren())
        {
            ValidateClientCertificateMode(context, endpoint);
            foreach (var sni in endpoint.GetSection("Sni").GetChildren())
            {
                ValidateClientCertificateMode(context, sni);
            }
        }
        var hasDefault = ValidateCertificate(context, kestrel.GetSection("Certificates:Default"), "Kestrel:Certificates:Default");
        foreach (var endpoint in kestrel.GetSection("Endpoints").GetChildren())
        {
            var path = $"Kestrel:Endpoints:{endpoint.Key}";
            if (!IsListenableUrl(context, endpoint["Url"], $"{path}:Url")
                || endpoint["Url"]?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) != true)
            {
                continue;
            }
            var hasOwn = ValidateCertificate(context, endpoint.GetSection("Certificate"), $"{path}:Certificate");
            foreach (var sni in endpoint.GetSection("Sni").GetChildren())
            {
                hasOwn |= ValidateCertificate(context, sni.GetSection("Certificate"), $"{path}:Sni:{sni.Key}:Certificate");
            }
            if (!hasOwn && !hasDefault && !developmentCertificate)
            {
                context.Error($"{path}:Certificate", development
                    ? "is missing: the development certificate serves only when no endpoint names a certificate at start, so this https endpoint needs its own (Path and KeyPath for PEM, or Path and Password for PFX)"
                    : "is missing: an https endpoint needs a server certificate (Path and KeyPath for PEM, or Path and Password for PFX)");
            }
        }
    }

    /// <summary>
    /// The certificate is asked for in the handshake: <c>DelayCertificate</c> would make Mtls routes ask
    /// for it by renegotiating, which TLS 1.3 clients without post-handshake auth and HTTP/2 cannot do
    /// and which fails on a request body not yet read (a 500). A value Kestrel cannot read it would
    /// ignore, leaving the default (a mistyped <c>RequireCertificate</c> would ask without requiring):
    /// refused here instead. An empty value is treated as absent.
    /// </summary>
    private static void ValidateClientCertificateMode(ConfigValidationContext context, IConfigurationSection section)
    {
        if (section["ClientCertificateMode"] is not { } mode || string.IsNullOrWhiteSpace(mode))
        {
            return;
        }
        var path = $"{section.Path}:ClientCertificateMode";
        if (!Enum.TryParse<Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode>(mode, ignoreCase: true, out var parsed)
            || !Enum.IsDefined(parsed))
        {
            context.Error(path, "is not a client certificate mode (NoCertificate, AllowCertificate or RequireCertificate)");
        }
        else if (parsed == Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.DelayCertificate)
        {
            context.Error(path, "DelayCertificate is not supported: the gateway asks for the certificate in the TLS handshake (renegotiation fails over HTTP/2, with most TLS 1.3 clients and before a request body is read); use AllowCertificate (the default), RequireCertificate or NoCertificate");
        }
    }

    /// <summary>Kestrel's own parse of an endpoint's Url (it threw at start, after validation had passed).</summary>
    private static bool IsListenableUrl(ConfigValidationContext context, string? url, string path)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            context.Error(path, "is missing: every endpoint needs a Url, e.g. https://0.0.0.0:8443");
            return false;
        }
        try
        {
            BindingAddress.Parse(url);
            return true;
        }
        catch (FormatException)
        {
            context.Error(path, "is not a URL Kestrel can listen on (scheme, host and port, e.g. https://0.0.0.0:8443)");
            return false;
        }
    }

    /// <summary>Checks the certificate files a section names; true when it names a certificate at all.</summary>
    private static bool ValidateCertificate(ConfigValidationContext context, IConfigurationSection certificate, string path)
    {
        var file = certificate["Path"];
        if (file is null)
        {
            return certificate["Subject"] is not null;
        }
        if (certificate["Subject"] is not null)
        {
            context.Error(path, "names both a file (Path) and a store certificate (Subject); set one");
            return true;
        }

        var certificateFile = context.ResolvePath(file);
        var keyFile = certificate["KeyPath"] is { } key ? context.ResolvePath(key) : null;
        if (!File.Exists(certificateFile))
        {
            context.Error($"{path}:Path", $"file '{certificateFile}' does not exist");
        }
        else if (keyFile is not null && !File.Exists(keyFile))
        {
            context.Error($"{path}:KeyPath", $"file '{keyFile}' does not exist");
        }
        else
        {
            try
            {
                using var loaded = Load(certificateFile, keyFile, certificate["Password"]);
                if (!loaded.HasPrivateKey)
                {
                    context.Error(path, $"'{certificateFile}' holds no private key (give KeyPath for a PEM certificate, or use a PFX with its key)");
                }
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
            {
                // The message says what is wrong with the file; it never holds the password.
                context.Error(path, $"'{certificateFile}' could not be loaded: {ex.Message}");
            }
        }
        return true;
    }

    /// <summary>Loads the certificate as Kestrel does: a PEM certificate with its (optionally encrypted) key, or a PFX.</summary>
    private static X509Certificate2 Load(string certificateFile, string? keyFile, string? password)
    {
        if (keyFile is not null)
        {
            return password is null
                ? X509Certificate2.CreateFromPemFile(certificateFile, keyFile)
                : X509Certificate2.CreateFromEncryptedPemFile(certificateFile, password, keyFile);
        }
        return X509Certificate2.GetCertContentType(certificateFile) == X509ContentType.Pkcs12
            ? X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password)
            : X509CertificateLoader.LoadCertificateFromFile(certificateFile);
    }
}
