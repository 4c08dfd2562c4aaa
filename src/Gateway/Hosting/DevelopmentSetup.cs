using System.Security.Cryptography.X509Certificates;
using Gateway.Auth.Mtls;

namespace Gateway.Hosting;

/// <summary>
/// What the Development environment adds so that a fresh clone runs as a demo: the Mtls demo's
/// development CA and certificates, a kept server certificate signed by that CA when none is
/// configured, and the loopback echo backend the demo routes use.
/// </summary>
internal static class DevelopmentSetup
{
    public const string DevDirectory = "certs/dev";

    /// <summary>Runs before validation, so files the demo config names (made on first start) exist when it is checked.</summary>
    public static void Prepare(WebApplicationBuilder builder, string baseDirectory)
    {
        Gateway.Auth.OAuth2.TokenService.TokenSigningKeyFile.CreateIfMissing(builder.Configuration, baseDirectory);
        PrepareMtlsDemo(builder.Configuration, baseDirectory);

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
            .Where(commonName => MtlsSubjectName.IsAcceptable(commonName, out _));
        DevCertificateAuthority.Create(devDirectory, clients);
    }

    public static X509Certificate2? ServerCertificate(WebApplicationBuilder builder, string baseDirectory) =>
        builder.Environment.IsDevelopment() && !KestrelSetup.HasConfiguredCertificate(builder.Configuration)
            ? DevelopmentCertificate.LoadOrCreate(Path.Combine(baseDirectory, DevDirectory))
            : null;
}
