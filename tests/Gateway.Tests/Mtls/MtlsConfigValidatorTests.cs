using System.Security.Cryptography.X509Certificates;
using Gateway.Auth.Configuration;
using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Mtls;

public sealed class MtlsConfigValidatorTests : IDisposable
{
    private readonly MtlsTestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    private IReadOnlyList<string> Validate(Dictionary<string, string?> values, string? baseDirectory = null) =>
        AuthConfigErrors.Of(values, baseDirectory ?? _pki.Directory);

    private Dictionary<string, string?> Valid() => new()
    {
        ["Auth:Mtls:TrustedCaFile"] = "ca-cert.pem",
        ["Auth:Mtls:Clients:payment-service.production.internal:Scopes:0"] = "read:transactions",
    };

    [Fact]
    public void RelativeTrustedCaFile_ResolvesAgainstTheConfigDirectory()
    {
        Assert.Empty(Validate(Valid()));
        var errors = Validate(Valid(), baseDirectory: Path.GetTempPath());
        Assert.Contains(errors, e => e.StartsWith("Auth:Mtls:TrustedCaFile:", StringComparison.Ordinal) && e.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public void MtlsRoute_WithoutTrustedCaFile_IsAnError()
    {
        var errors = Validate(new() { ["ReverseProxy:Routes:r:Metadata:Auth"] = "mtls" });
        Assert.Contains(errors, e => e.StartsWith("Auth:Mtls:TrustedCaFile: is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void NoMtlsAnywhere_NeedsNoTrustedCaFile() =>
        Assert.Empty(Validate(new() { ["ReverseProxy:Routes:r:Metadata:Auth"] = "ApiKey" }));

    [Fact]
    public void TrustedCaFile_WithoutCertificates_OrWithALeaf_IsAnError()
    {
        File.WriteAllText(Path.Combine(_pki.Directory, "empty.pem"), "not a certificate");
        File.WriteAllText(Path.Combine(_pki.Directory, "leaf.pem"), _pki.Payment.ExportCertificatePem());

        var empty = Validate(new(Valid()) { ["Auth:Mtls:TrustedCaFile"] = "empty.pem" });
        var leaf = Validate(new(Valid()) { ["Auth:Mtls:TrustedCaFile"] = "leaf.pem" });

        Assert.Contains(empty, e => e.StartsWith("Auth:Mtls:TrustedCaFile:", StringComparison.Ordinal) && e.Contains("no PEM certificate", StringComparison.Ordinal));
        Assert.Contains(leaf, e => e.StartsWith("Auth:Mtls:TrustedCaFile:", StringComparison.Ordinal) && e.Contains("not a CA", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bad,cn", "contains a comma")]
    [InlineData("tab\tcn", "contains characters that cannot be forwarded")]
    [InlineData(" payment-service.production.internal", "starts or ends with a space")]
    [InlineData("payment-service.production.internal ", "starts or ends with a space")]
    public void ClientCn_ThatNoCertificateCouldBeAcceptedWith_IsAnError(string cn, string problem)
    {
        var errors = Validate(new(Valid()) { [$"Auth:Mtls:Clients:{cn}:Scopes:0"] = "read:x" });
        Assert.Contains(errors, e => e.StartsWith($"Auth:Mtls:Clients:{cn}: the CN {problem}", StringComparison.Ordinal));
    }

    [Fact]
    public void BadScope_BadThumbprint_BadRevocationMode_AreErrors()
    {
        var errors = Validate(new(Valid())
        {
            ["Auth:Mtls:Clients:payment-service.production.internal:Scopes:0"] = "read transactions",
            ["Auth:Mtls:AllowedSelfSigned:0"] = "abc",
            ["Auth:Mtls:RevocationMode"] = "Sometimes",
        });

        Assert.Contains(errors, e => e.StartsWith("Auth:Mtls:Clients:payment-service.production.internal:Scopes:0:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:Mtls:AllowedSelfSigned:0:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Auth:Mtls:RevocationMode:", StringComparison.Ordinal));
    }

    [Fact]
    public void OfflineRevocation_NeedsACrlSignedByATrustedCa()
    {
        var foreign = Path.Combine(_pki.Directory, "foreign.crl");
        File.WriteAllBytes(foreign, MtlsTrustOptionsTests.Crl(_pki.OtherCa, DateTimeOffset.UtcNow.AddDays(1)));
        var own = Path.Combine(_pki.Directory, "own.crl");
        File.WriteAllBytes(own, MtlsTrustOptionsTests.Crl(_pki.Ca, DateTimeOffset.UtcNow.AddDays(1)));

        var missing = Validate(new(Valid()) { ["Auth:Mtls:RevocationMode"] = "Offline" });
        var wrongSigner = Validate(new(Valid()) { ["Auth:Mtls:RevocationMode"] = "Offline", ["Auth:Mtls:CrlFile"] = "foreign.crl" });
        var good = Validate(new(Valid()) { ["Auth:Mtls:RevocationMode"] = "offline", ["Auth:Mtls:CrlFile"] = "own.crl" });

        Assert.Contains(missing, e => e.StartsWith("Auth:Mtls:CrlFile: is missing", StringComparison.Ordinal));
        Assert.Contains(wrongSigner, e => e.StartsWith("Auth:Mtls:CrlFile:", StringComparison.Ordinal) && e.Contains("not signed", StringComparison.Ordinal));
        Assert.Empty(good);
    }

    [Fact]
    public void ForwardCertificate_OnANonMtlsRoute_IsAnError()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ReverseProxy:Routes:r:ClusterId"] = "c",
            ["ReverseProxy:Routes:r:Match:Path"] = "/x",
            ["ReverseProxy:Routes:r:Metadata:Auth"] = "ApiKey",
            ["ReverseProxy:Routes:r:Metadata:ForwardCertificate"] = "true",
            ["ReverseProxy:Clusters:c:Destinations:d:Address"] = "http://127.0.0.1:1/",
        }).Build();

        var errors = Gateway.Configuration.GatewayConfigValidator.Validate(configuration, _pki.Directory);

        Assert.Contains(errors, e => e.StartsWith("ReverseProxy:Routes:r:", StringComparison.Ordinal) && e.Contains("ForwardCertificate", StringComparison.Ordinal));
    }
}
