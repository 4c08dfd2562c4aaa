using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Hosting;

/// <summary>
/// Makes the development PKI that <c>certs dev</c> writes and the Development demo uses: a CA, a
/// server certificate for localhost/127.0.0.1/::1 signed by it, and client certificates (client-auth
/// EKU) for the CNs asked for, all as PEM files (keys PKCS#8, readable by the owner only). An
/// existing CA in the directory is kept, so certificates made earlier stay valid.
/// </summary>
internal static class DevCertificateAuthority
{
    public const string CaCertFileName = "ca-cert.pem";
    public const string CaKeyFileName = "ca-key.pem";
    public const string ServerCertFileName = "localhost-cert.pem";
    public const string ServerKeyFileName = "localhost-key.pem";
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public sealed record Result(string CaCertPath, string ServerCertPath, string ServerKeyPath, IReadOnlyList<(string CommonName, string CertPath, string KeyPath)> Clients, bool CaCreated);

    public static Result Create(string directory, IEnumerable<string> clientCommonNames, int days = 365, IEnumerable<string>? serverHosts = null)
    {
        Directory.CreateDirectory(directory);
        var (ca, caCreated) = LoadOrCreateCa(directory);
        using (ca)
        {
            var serverCert = Path.Combine(directory, ServerCertFileName);
            var serverKey = Path.Combine(directory, ServerKeyFileName);
            Issue(ca, "CN=localhost", ServerAuthOid, serverCert, serverKey, days, san =>
            {
                san.AddDnsName("localhost");
                san.AddIpAddress(IPAddress.Loopback);
                san.AddIpAddress(IPAddress.IPv6Loopback);
                foreach (var host in serverHosts ?? [])
                {
                    if (IPAddress.TryParse(host, out var ip))
                    {
                        san.AddIpAddress(ip);
                    }
                    else
                    {
                        san.AddDnsName(host);
                    }
                }
            });

            var clients = new List<(string, string, string)>();
            foreach (var commonName in clientCommonNames)
            {
                var certPath = Path.Combine(directory, $"{FileNameFor(commonName)}-cert.pem");
                var keyPath = Path.Combine(directory, $"{FileNameFor(commonName)}-key.pem");
                var subject = new X500DistinguishedNameBuilder();
                subject.AddCommonName(commonName);
                Issue(ca, subject.Build().Name, ClientAuthOid, certPath, keyPath, days, san => san.AddDnsName(commonName));
                clients.Add((commonName, certPath, keyPath));
            }
            return new Result(Path.Combine(directory, CaCertFileName), serverCert, serverKey, clients, caCreated);
        }
    }

    /// <summary>A CN as a file name: anything but letters, digits, '.', '-' and '_' becomes '_'.</summary>
    public static string FileNameFor(string commonName) =>
        string.Concat(commonName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_'));

    private static (X509Certificate2 Ca, bool Created) LoadOrCreateCa(string directory)
    {
        var certPath = Path.Combine(directory, CaCertFileName);
        var keyPath = Path.Combine(directory, CaKeyFileName);
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromPemFile(certPath, keyPath);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(30))
            {
                return (existing, false);
            }
            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Gateway Development CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(5));
        Write(certPath, ca.ExportCertificatePem(), keyPath, key.ExportPkcs8PrivateKeyPem());
        return (X509Certificate2.CreateFromPemFile(certPath, keyPath), true);
    }

    private static void Issue(X509Certificate2 ca, string subject, string usageOid, string certPath, string keyPath, int days, Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var notAfter = DateTimeOffset.UtcNow.AddDays(days);
        if (notAfter > ca.NotAfter)
        {
            notAfter = ca.NotAfter;
        }
        using var certificate = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
        Write(certPath, certificate.ExportCertificatePem(), keyPath, key.ExportPkcs8PrivateKeyPem());
    }

    private static void Write(string certPath, string certPem, string keyPath, string keyPem)
    {
        File.WriteAllText(certPath, certPem + "\n");
        Gateway.Auth.PrivateKeyFile.Write(keyPath, keyPem + "\n");
    }
}
