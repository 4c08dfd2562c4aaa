using System.Security.Cryptography.X509Certificates;
using Gateway.Auth.Mtls;
using Gateway.Configuration;

namespace Gateway.Hosting;

/// <summary>
/// What the Development environment adds so that a fresh clone runs as a demo: the Mtls demo's
/// development CA and certificates, a kept server certificate signed by that CA when none is
/// configured, and the loopback echo backend the demo routes use.
/// </summary>
internal static class DevelopmentSetup
{
    public const string DevDirectory = "certs/dev";

    /// <summary>
    /// Runs before validation, so files the demo config names (made on first start) exist when it is
    /// checked. Throws <see cref="GatewayConfigException"/> when they cannot be written.
    /// </summary>
    public static void Prepare(WebApplicationBuilder builder, string baseDirectory)
    {
        try
        {
            Gateway.Auth.OAuth2.TokenService.TokenSigningKeyFile.CreateIfMissing(builder.Configuration, baseDirectory);
            PrepareMtlsDemo(builder.Configuration, baseDirectory);
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            throw new GatewayConfigException($"Development: the demo's key and certificate files could not be made under '{baseDirectory}': {Describe(ex)}", ex);
        }

        var echoUrl = builder.Configuration["Demo:EchoBackend"];
        if (!string.IsNullOrEmpty(echoUrl))
        {
            builder.Services.AddHostedService(services => new DemoEchoBackend(echoUrl, services.GetRequiredService<ILogger<DemoEchoBackend>>()));
        }
    }

    /// <summary>
    /// When the Mtls CA the config names lives in <c>certs/dev/</c> and is missing, makes the demo PKI
    /// there (as <c>certs dev</c> does): the CA, a localhost server certificate signed by it (which then
    /// serves as the development server certificate) and a client certificate per configured CN.
    /// </summary>
    private static void PrepareMtlsDemo(ConfigurationManager configuration, string baseDirectory)
    {
        var caFile = configuration[$"{MtlsDefaults.ConfigSection}:TrustedCaFile"];
        if (string.IsNullOrWhiteSpace(caFile))
        {
            return;
        }
        var devDirectory = Path.GetFullPath(DevDirectory, baseDirectory);
        var caPath = Path.GetFullPath(caFile, baseDirectory);
        if (File.Exists(caPath) || Path.GetDirectoryName(caPath) != devDirectory || Path.GetFileName(caPath) != DevCertificateAuthority.CaCertFileName)
        {
            return;
        }
        var clients = configuration.GetSection($"{MtlsDefaults.ConfigSection}:Clients").GetChildren()
            .Select(client => client.Key)
            .Where(commonName => Gateway.Auth.HeaderValue.ClientIdProblem(commonName) is null);
        DevCertificateAuthority.Create(devDirectory, clients);
    }

    /// <summary>
    /// The server certificate Kestrel's HTTPS defaults get: in Development when no endpoint (nor the
    /// default) names one, the kept development certificate, made on first start; else none. Throws
    /// <see cref="GatewayConfigException"/> when it cannot be read or made.
    /// </summary>
    public static X509Certificate2? ServerCertificate(WebApplicationBuilder builder, string baseDirectory)
    {
        if (!builder.Environment.IsDevelopment() || KestrelSetup.HasConfiguredCertificate(builder.Configuration))
        {
            return null;
        }
        var directory = Path.Combine(baseDirectory, DevDirectory);
        try
        {
            return DevelopmentCertificate.LoadOrCreate(directory);
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            throw new GatewayConfigException(
                $"Development: the development server certificate could not be made in '{directory}': {Describe(ex)}. "
                + "Make that directory writable, or name a certificate under Kestrel (e.g. Kestrel:Certificates:Default)",
                ex);
        }
    }

    private static bool IsFileProblem(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException;

    /// <summary>The exception's type and message: these name a path or what is wrong with a file, never a key.</summary>
    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message.TrimEnd('.')}";
}
