using System.Formats.Asn1;
using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

/// <summary>
/// A CRL file that holds more than one CRL from the same CA, as a bundle does when the new CRL is
/// appended to the old: the newest (latest thisUpdate) is the one that counts, wherever it stands in
/// the file (then the highest cRLNumber). Delta and partitioned CRLs are refused.
/// </summary>
public sealed class MtlsCrlBundleTests : IAsyncLifetime
{
    private readonly MtlsTestPki _pki = new();
    private RecordingBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordingBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task OlderCrlFirst_NewerOneRevokes_RevokedCertificateGets401_AndIsNotForwarded()
    {
        var revoked = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var older = Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddHours(-2), nextUpdate: DateTimeOffset.UtcNow.AddDays(7));
        var newer = Crl(2, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(7), revoked);
        await using var gateway = await StartAsync(older, newer);
        using var client = new CountingClient(gateway.BaseAddress, revoked);

        using var response = await client.Http.GetAsync("/internal/tx/1");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("client certificate has been revoked", detail);
        Assert.Equal(0, _backend.Count);
    }

    [Fact]
    public async Task OutOfDateCrlFirst_CurrentOneAfterIt_CertificateNotOnItIsForwarded()
    {
        var stale = Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddDays(-8), nextUpdate: DateTimeOffset.UtcNow.AddDays(-1));
        var current = Crl(2, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(7));
        await using var gateway = await StartAsync(stale, current);
        using var client = new CountingClient(gateway.BaseAddress, _pki.Payment);

        using var response = await client.Http.GetAsync("/internal/tx/2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Count);
    }

    [Fact]
    public async Task NewerCrlFirst_OlderOneRevokesACertificateTheNewerNoLongerLists_ItIsForwarded()
    {
        // A certificate on hold in the older CRL and released in the newer: the newer CRL decides.
        var released = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var newer = Crl(2, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(7));
        var older = Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddHours(-2), nextUpdate: DateTimeOffset.UtcNow.AddDays(7), released);
        await using var gateway = await StartAsync(newer, older);
        using var client = new CountingClient(gateway.BaseAddress, released);

        using var response = await client.Http.GetAsync("/internal/tx/3");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _backend.Count);
    }

    [Fact]
    public async Task SameThisUpdate_HigherCrlNumberAppended_ItsRevocationCounts()
    {
        // thisUpdate has second precision: two CRLs of one second, number 2 appended and revoking.
        var revoked = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds());
        var first = Crl(1, thisUpdate: at, nextUpdate: DateTimeOffset.UtcNow.AddDays(7));
        var second = Crl(2, thisUpdate: at, nextUpdate: DateTimeOffset.UtcNow.AddDays(7), revoked);
        await using var gateway = await StartAsync(first, second);
        using var client = new CountingClient(gateway.BaseAddress, revoked);

        using var response = await client.Http.GetAsync("/internal/tx/same-second");

        var detail = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("client certificate has been revoked", detail);
        Assert.Equal(0, _backend.Count);
    }

    /// <summary>
    /// A base CRL and the delta published after it (AD CS does so by default): taken for a complete CRL,
    /// the delta, newer and listing only what changed since the base, would let what the base revokes
    /// through. CRLs with a critical extension the gateway cannot process are refused (RFC 5280 5.3),
    /// and so are issuingDistributionPoints that narrow a CRL to some reasons or make it indirect.
    /// </summary>
    [Theory]
    [InlineData("delta", "a delta CRL (deltaCRLIndicator)")]
    [InlineData("indirect", "an indirect CRL (indirectCRL)")]
    [InlineData("some-reasons", "a CRL for some revocation reasons only (onlySomeReasons)")]
    [InlineData("ca-only", "a CRL for CA certificates only (onlyContainsCACerts)")]
    [InlineData("unknown-critical", "a CRL with a critical extension 1.2.3.4.5")]
    [InlineData("partitions", "one of several partitions (its CA's CRLs name different distribution points)")]
    public void CrlTheGatewayCannotUseForAStatus_IsAConfigError(string kind, string named)
    {
        var revoked = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var complete = Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddHours(-2), nextUpdate: DateTimeOffset.UtcNow.AddDays(7), revoked);
        var second = Crl(2, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(1));
        (complete, second) = kind switch
        {
            "delta" => (complete, WithCriticalExtension(second, "2.5.29.27", Integer(1))),
            "indirect" => (complete, WithCriticalExtension(second, "2.5.29.28", IssuingDistributionPoint(indirect: true))),
            "some-reasons" => (complete, WithCriticalExtension(second, "2.5.29.28", IssuingDistributionPoint(someReasons: true))),
            "ca-only" => (complete, WithCriticalExtension(second, "2.5.29.28", IssuingDistributionPoint(caOnly: true))),
            "unknown-critical" => (complete, WithCriticalExtension(second, "1.2.3.4.5", Integer(1))),
            _ => (WithCriticalExtension(complete, "2.5.29.28", IssuingDistributionPoint(distributionPoint: "http://pki.test/a.crl")),
                  WithCriticalExtension(second, "2.5.29.28", IssuingDistributionPoint(distributionPoint: "http://pki.test/b.crl"))),
        };

        var error = Assert.Single(Validate(complete, second));

        Assert.StartsWith("Auth:Mtls:CrlFile: ", error, StringComparison.Ordinal);
        Assert.Contains($"a CRL is {named}, which the gateway cannot process", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A complete CRL whose (always critical) issuingDistributionPoint only names its distribution
    /// point, or limits it to end-entity certificates, as AD CS and many CAs publish: it loads, and
    /// what it revokes is refused. (Such CRLs were refused whole by the first version of this check.)
    /// </summary>
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task CompleteCrl_WithAnIssuingDistributionPointThatOnlyNamesOrLimitsToLeaves_IsUsed(bool named, bool userOnly)
    {
        var revoked = TestCertificates.IssueClient(_pki.Ca, MtlsTestPki.PaymentCn);
        var crl = WithCriticalExtension(
            Crl(1, thisUpdate: DateTimeOffset.UtcNow.AddMinutes(-5), nextUpdate: DateTimeOffset.UtcNow.AddDays(7), revoked),
            "2.5.29.28",
            IssuingDistributionPoint(distributionPoint: named ? "http://pki.test/ca.crl" : null, userOnly: userOnly));
        Assert.Empty(Validate(crl));
        await using var gateway = await StartAsync(crl);
        using var refused = new CountingClient(gateway.BaseAddress, revoked);
        using var accepted = new CountingClient(gateway.BaseAddress, _pki.Payment);

        using var revokedResponse = await refused.Http.GetAsync("/internal/tx/idp-revoked");
        using var acceptedResponse = await accepted.Http.GetAsync("/internal/tx/idp-ok");

        Assert.Equal("client certificate has been revoked", await ProblemAssert.IsProblemAsync(revokedResponse, HttpStatusCode.Unauthorized));
        Assert.Equal(HttpStatusCode.OK, acceptedResponse.StatusCode);
        Assert.Equal("/internal/tx/idp-ok", Assert.Single(_backend.Requests).Target);
    }

    private IReadOnlyList<string> Validate(params byte[][] crls)
    {
        File.WriteAllText(Path.Combine(_pki.Directory, "checked.crl.pem"), string.Concat(crls.Select(crl => PemEncoding.WriteString("X509 CRL", crl) + "\n")));
        return AuthConfigErrors.Of(new Dictionary<string, string?>
        {
            ["Auth:Mtls:TrustedCaFile"] = "ca-cert.pem",
            ["Auth:Mtls:Clients:payment-service.production.internal:Scopes:0"] = "read:transactions",
            ["Auth:Mtls:RevocationMode"] = "Offline",
            ["Auth:Mtls:CrlFile"] = "checked.crl.pem",
        }, _pki.Directory);
    }

    private static byte[] Integer(int value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return writer.Encode();
    }

    /// <summary>An issuingDistributionPoint (RFC 5280 5.2.5) with the fields asked for.</summary>
    private static byte[] IssuingDistributionPoint(string? distributionPoint = null, bool userOnly = false, bool caOnly = false, bool someReasons = false, bool indirect = false)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            if (distributionPoint is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
                {
                    writer.WriteCharacterString(UniversalTagNumber.IA5String, distributionPoint, new Asn1Tag(TagClass.ContextSpecific, 6));
                }
            }
            if (userOnly)
            {
                writer.WriteBoolean(true, new Asn1Tag(TagClass.ContextSpecific, 1));
            }
            if (caOnly)
            {
                writer.WriteBoolean(true, new Asn1Tag(TagClass.ContextSpecific, 2));
            }
            if (someReasons)
            {
                writer.WriteBitString([0x60], unusedBitCount: 5, new Asn1Tag(TagClass.ContextSpecific, 3));
            }
            if (indirect)
            {
                writer.WriteBoolean(true, new Asn1Tag(TagClass.ContextSpecific, 4));
            }
        }
        return writer.Encode();
    }

    private byte[] Crl(int number, DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, params X509Certificate2[] revoked)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var certificate in revoked)
        {
            builder.AddEntry(certificate, thisUpdate.AddMinutes(-1));
        }
        return builder.Build(_pki.Ca, new BigInteger(number), nextUpdate, HashAlgorithmName.SHA256, thisUpdate: thisUpdate);
    }

    private async Task<GatewayHost> StartAsync(params byte[][] crls)
    {
        var crlPath = Path.Combine(_pki.Directory, "bundle.crl.pem");
        await File.WriteAllTextAsync(crlPath, string.Concat(crls.Select(crl => PemEncoding.WriteString("X509 CRL", crl) + "\n")));
        return await GatewayHost.StartAsync(MtlsGatewayFixture.Config(_backend.Url, _pki)
            .Set("Auth:Mtls:RevocationMode", "Offline")
            .Set("Auth:Mtls:CrlFile", crlPath));
    }

    /// <summary><paramref name="crl"/> with a critical extension <paramref name="oid"/> (DER <paramref name="value"/>) added, signed again by the CA.</summary>
    private byte[] WithCriticalExtension(byte[] crl, string oid, byte[] value)
    {
        var outer = new AsnReader(crl, AsnEncodingRules.DER).ReadSequence();
        var tbs = outer.ReadSequence();
        var signatureAlgorithm = outer.ReadEncodedValue().ToArray();
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            while (tbs.HasData)
            {
                if (!tbs.PeekTag().HasSameClassAndValue(extensionsTag))
                {
                    writer.WriteEncodedValue(tbs.ReadEncodedValue().Span);
                    continue;
                }
                var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
                using (writer.PushSequence(extensionsTag))
                using (writer.PushSequence())
                {
                    while (extensions.HasData)
                    {
                        writer.WriteEncodedValue(extensions.ReadEncodedValue().Span);
                    }
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(oid);
                        writer.WriteBoolean(true);
                        writer.WriteOctetString(value);
                    }
                }
            }
        }
        var tbsBytes = writer.Encode();
        using var key = _pki.Ca.GetECDsaPrivateKey()!;
        var signed = new AsnWriter(AsnEncodingRules.DER);
        using (signed.PushSequence())
        {
            signed.WriteEncodedValue(tbsBytes);
            signed.WriteEncodedValue(signatureAlgorithm);
            signed.WriteBitString(key.SignData(tbsBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
        return signed.Encode();
    }
}
