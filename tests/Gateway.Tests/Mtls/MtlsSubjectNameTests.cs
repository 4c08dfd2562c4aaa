using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Gateway.Auth.Mtls;

namespace Gateway.Tests.Mtls;

public sealed class MtlsSubjectNameTests
{
    private static X500DistinguishedName Name(Action<X500DistinguishedNameBuilder> build)
    {
        var builder = new X500DistinguishedNameBuilder();
        build(builder);
        return builder.Build();
    }

    [Fact]
    public void SingleCn_AmongOtherAttributes_IsRead()
    {
        var subject = Name(b =>
        {
            b.AddOrganizationName("Example, Inc.");
            b.AddCommonName("payment-service.production.internal");
            b.AddOrganizationalUnitName("payments");
        });

        Assert.True(MtlsSubjectName.TryReadCommonName(subject, out var cn, out _));
        Assert.Equal("payment-service.production.internal", cn);
    }

    [Fact]
    public void CnInAMultiValuedRdn_CountsToo()
    {
        // CN=a+CN=b: one RDN holding two CNs must not slip through as "one RDN".
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        {
            foreach (var value in new[] { "a", "b" })
            {
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier("2.5.4.3");
                    writer.WriteCharacterString(UniversalTagNumber.UTF8String, value);
                }
            }
        }
        var subject = new X500DistinguishedName(writer.Encode());

        Assert.False(MtlsSubjectName.TryReadCommonName(subject, out _, out var reason));
        Assert.Contains("more than one CN", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\u007fb")]
    [InlineData("caf\u00e9")]
    [InlineData("a,b")]
    [InlineData(" payment-service")]
    [InlineData("payment-service ")]
    public void UnsafeCn_IsRefused(string cn)
    {
        var subject = Name(b => b.AddCommonName(cn));

        Assert.False(MtlsSubjectName.TryReadCommonName(subject, out _, out var reason));
        Assert.StartsWith("client certificate", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void CnMatching_IsExactAndCaseSensitive_AtTheHandlersDictionary()
    {
        var options = new MtlsOptions();
        options.Clients["payment-service"] = new MtlsClientOptions();

        Assert.True(options.Clients.ContainsKey("payment-service"));
        Assert.False(options.Clients.ContainsKey("Payment-Service"));
        Assert.False(options.Clients.ContainsKey("payment-service "));
    }
}
