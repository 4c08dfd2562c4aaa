using System.Security.Cryptography.X509Certificates;

namespace Gateway.Hosting;

/// <summary>
/// What the Development environment adds so that a fresh clone runs as a demo: a kept self-signed
/// server certificate when none is configured, and the loopback echo backend the demo routes use.
/// </summary>
internal static class DevelopmentSetup
{
    public const string DevDirectory = "certs/dev";

    /// <summary>Runs before validation, so files the demo config names (made on first start) exist when it is checked.</summary>
    public static void Prepare(WebApplicationBuilder builder, string baseDirectory)
    {
        Gateway.Auth.OAuth2.TokenService.TokenSigningKeyFile.CreateIfMissing(builder.Configuration, baseDirectory);
        var echoUrl = builder.Configuration["Demo:EchoBackend"];
        if (!string.IsNullOrEmpty(echoUrl))
        {
            builder.Services.AddHostedService(services => new DemoEchoBackend(echoUrl, services.GetRequiredService<ILogger<DemoEchoBackend>>()));
        }
    }

    public static X509Certificate2? ServerCertificate(WebApplicationBuilder builder, string baseDirectory) =>
        builder.Environment.IsDevelopment() && !KestrelSetup.HasConfiguredCertificate(builder.Configuration)
            ? DevelopmentCertificate.LoadOrCreate(Path.Combine(baseDirectory, DevDirectory))
            : null;
}
