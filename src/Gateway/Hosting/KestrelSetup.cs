using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Gateway.Hosting;

internal static class KestrelSetup
{
    /// <summary>
    /// HTTPS endpoints ask every client for a certificate in the handshake (HTTP/2 cannot renegotiate)
    /// but do not require one, and accept any: the Mtls handler judges the chain per route, so
    /// ApiKey, OAuth2 and Hmac routes work without a certificate. A <c>ClientCertificateMode</c> in the
    /// <c>Kestrel</c> section, an endpoint's own or <c>EndpointDefaults</c>', still wins (but not
    /// <c>DelayCertificate</c>: <see cref="KestrelConfigValidator"/>). The <c>Kestrel:Limits</c>
    /// section, which ASP.NET Core leaves unbound, is applied as Kestrel starts (<see cref="KestrelLimits"/>).
    /// </summary>
    public static void Configure(WebApplicationBuilder builder, X509Certificate2? developmentCertificate)
    {
        var limits = new KestrelLimitsInEffect();
        builder.Services.AddSingleton(limits);
        var configuration = builder.Configuration;
        if (SocketScheduling.Inline)
        {
            builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            limits.Apply(configuration, kestrel.Limits);
            kestrel.ConfigureHttpsDefaults(https =>
            {
                // Kestrel applies EndpointDefaults before this runs: an operator's mode there is kept.
                if (string.IsNullOrWhiteSpace(configuration["Kestrel:EndpointDefaults:ClientCertificateMode"]))
                {
                    https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                }
                https.AllowAnyClientCertificate();
                if (developmentCertificate is not null)
                {
                    https.ServerCertificate = developmentCertificate;
                }
            });
        });
    }

    /// <summary>True when some HTTPS endpoint, or the default, names its own certificate.</summary>
    public static bool HasConfiguredCertificate(IConfiguration configuration)
    {
        var kestrel = configuration.GetSection("Kestrel");
        if (kestrel.GetSection("Certificates:Default").Exists())
        {
            return true;
        }
        foreach (var endpoint in kestrel.GetSection("Endpoints").GetChildren())
        {
            if (endpoint.GetSection("Certificate").Exists() && (endpoint["Certificate:Path"] is not null || endpoint["Certificate:Subject"] is not null))
            {
                return true;
            }
        }
        return false;
    }
}
