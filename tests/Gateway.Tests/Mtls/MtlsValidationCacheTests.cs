using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Auth.Mtls;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

public sealed class MtlsValidationCacheTests : IDisposable
{
    private readonly MtlsTestPki _pki = new();
    private readonly MtlsTrust _trust;

    public MtlsValidationCacheTests()
    {
        _trust = MtlsTrust.Load(new MtlsOptions { TrustedCaFile = "ca-cert.pem" }, _pki.Directory);
    }

    public void Dispose() => _pki.Dispose();

    [Fact]
    public void CachedVerdict_NeverOutlivesTheCertificate()
    {
        using var cache = new MtlsValidationCache();
        var now = DateTimeOffset.UtcNow;
        using var certificate = TestCertificates.IssueClient(_pki.Ca, "short-lived", now.AddHours(-1), now.AddMinutes(1));

        var first = cache.Validate(certificate, _trust, now);
        var later = cache.Validate(certificate, _trust, now.AddMinutes(1.5));

        Assert.NotNull(first.Identity);
        Assert.Null(later.Identity);
        Assert.Equal("client certificate has expired", later.Failure);
    }

    [Fact]
    public void Failures_AreNotCached_AndANewTrustStartsAfresh()
    {
        using var cache = new MtlsValidationCache();
        var otherTrust = MtlsTrust.Load(new MtlsOptions { TrustedCaFile = "ca-cert.pem" }, _pki.Directory);
        using var foreign = TestCertificates.IssueClient(_pki.OtherCa, "foreign");

        Assert.Null(cache.Validate(foreign, _trust, DateTimeOffset.UtcNow).Identity);
        Assert.Equal(0, cache.Count);
        Assert.NotNull(cache.Validate(_pki.Payment, _trust, DateTimeOffset.UtcNow).Identity);
        Assert.NotNull(cache.Validate(_pki.Payment, otherTrust, DateTimeOffset.UtcNow).Identity);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Cache_IsBounded()
    {
        using var cache = new MtlsValidationCache();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < MtlsDefaults.ValidationCacheSize + 50; i++)
        {
            var request = new CertificateRequest($"CN=client-{i}", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(TestCertificates.ClientAuthOid)], false));
            using var certificate = request.Create(_pki.Ca, now.AddHours(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
            Assert.NotNull(cache.Validate(certificate, _trust, now).Identity);
        }

        Assert.InRange(cache.Count, 1, MtlsDefaults.ValidationCacheSize);
    }
}
