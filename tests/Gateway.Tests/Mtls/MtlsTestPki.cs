using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

/// <summary>The certificates the Mtls tests present: one trusted CA and everything a client might try.</summary>
public sealed class MtlsTestPki : IDisposable
{
    public const string PaymentCn = "payment-service.production.internal";
    public const string OrderCn = "order-service.production.internal";
    public const string UnlistedCn = "unlisted-service.production.internal";

    public MtlsTestPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("gw-mtls-pki-").FullName;
        Ca = TestCertificates.CreateCa("Gateway Test CA", DateTimeOffset.UtcNow.AddDays(-60));
        OtherCa = TestCertificates.CreateCa("Some Other CA");
        CaPath = Path.Combine(Directory, "ca-cert.pem");
        File.WriteAllText(CaPath, Ca.ExportCertificatePem());
        Payment = TestCertificates.IssueClient(Ca, PaymentCn);
        Order = TestCertificates.IssueClient(Ca, OrderCn);
        Unlisted = TestCertificates.IssueClient(Ca, UnlistedCn);
    }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 OtherCa { get; }

    /// <summary>The trusted CA as PEM (TrustedCaFile).</summary>
    public string CaPath { get; }

    public X509Certificate2 Payment { get; }

    public X509Certificate2 Order { get; }

    public X509Certificate2 Unlisted { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
