using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Tests.Infrastructure;

/// <summary>Certificates made in the test: CAs, the gateway's server certificate, client certificates.</summary>
public static class TestCertificates
{
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    private static readonly Lazy<(string CertPath, string KeyPath)> SharedServer = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("gw-server-cert-").FullName;
        using var cert = CreateServer();
        return WritePem(cert, dir, "server");
    });

    /// <summary>PEM files of a self-signed server certificate for 127.0.0.1/localhost, shared by all tests.</summary>
    public static (string CertPath, string KeyPath) ServerPem => SharedServer.Value;

    public static X509Certificate2 CreateCa(string commonName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddYears(5));
    }

    /// <summary>A client certificate issued by <paramref name="ca"/>. <paramref name="subject"/> is a full DN ("CN=a") or a bare CN.</summary>
    public static X509Certificate2 IssueClient(
        X509Certificate2 ca,
        string subject,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        bool clientAuthEku = true,
        X509Extension? extraExtension = null) =>
        IssueClient(ca, new X500DistinguishedName(ToDistinguishedName(subject)), notBefore, notAfter, clientAuthEku, extraExtension);

    /// <summary>The same, with a subject built as bytes (for CNs the DN string form cannot carry, like control characters).</summary>
    public static X509Certificate2 IssueClient(
        X509Certificate2 ca,
        X500DistinguishedName subject,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        bool clientAuthEku = true,
        X509Extension? extraExtension = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(clientAuthEku ? ClientAuthOid : ServerAuthOid)], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        if (extraExtension is not null)
        {
            request.CertificateExtensions.Add(extraExtension);
        }
        var from = notBefore ?? DateTimeOffset.UtcNow.AddHours(-1);
        var to = notAfter ?? DateTimeOffset.UtcNow.AddDays(30);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, from, to, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>A self-signed certificate with the client-auth EKU (no CA behind it).</summary>
    public static X509Certificate2 SelfSignedClient(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(ToDistinguishedName(subject), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthOid)], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    public static X509Certificate2 CreateServer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthOid)], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>Writes <c>{name}-cert.pem</c> and, when the certificate has one, <c>{name}-key.pem</c>.</summary>
    public static (string CertPath, string KeyPath) WritePem(X509Certificate2 certificate, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var certPath = Path.Combine(directory, $"{name}-cert.pem");
        var keyPath = Path.Combine(directory, $"{name}-key.pem");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        var key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey();
        if (key is not null)
        {
            File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        }
        return (certPath, keyPath);
    }

    /// <summary>Lowercase hex SHA-256 of the DER bytes, as X-Client-Cert-Sha256 carries it.</summary>
    public static string Sha256Hex(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    private static string ToDistinguishedName(string subject) => subject.Contains('=') ? subject : $"CN={subject}";
}
