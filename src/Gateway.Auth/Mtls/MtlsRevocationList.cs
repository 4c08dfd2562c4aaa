using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Auth.Mtls;

/// <summary>
/// One CRL (RFC 5280 §5) from <c>Auth:Mtls:CrlFile</c>, accepted only when signed by a trusted CA.
/// .NET on Linux cannot be handed a CRL for offline chain checks, so the gateway reads it itself:
/// the revoked serial numbers, the issuer, and when it goes stale.
/// </summary>
internal sealed class MtlsRevocationList
{
    private readonly HashSet<string> _revokedSerials;

    private MtlsRevocationList(X509Certificate2 issuer, DateTimeOffset thisUpdate, CrlExtensions extensions, DateTimeOffset? nextUpdate, HashSet<string> revokedSerials)
    {
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        Number = extensions.Number;
        OnlyUserCertificates = extensions.OnlyUserCertificates;
        DistributionPoint = extensions.DistributionPoint;
        NextUpdate = nextUpdate;
        _revokedSerials = revokedSerials;
    }

    /// <summary>The trusted CA whose signature on this CRL verified.</summary>
    public X509Certificate2 Issuer { get; }

    /// <summary>When the CA issued this CRL: of several from one CA, the latest is the one that counts.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>The cRLNumber (RFC 5280 5.2.3), which only grows: tells apart CRLs issued in the same second.</summary>
    public System.Numerics.BigInteger? Number { get; }

    /// <summary>The CRL covers end-entity certificates only (issuingDistributionPoint onlyContainsUserCerts): not a CA's.</summary>
    public bool OnlyUserCertificates { get; }

    /// <summary>The encoded distributionPoint name of its issuingDistributionPoint, if any: CRLs of one CA naming different ones are partitions.</summary>
    public byte[]? DistributionPoint { get; }

    /// <summary>What the CRL's extensions say about it.</summary>
    private readonly record struct CrlExtensions(System.Numerics.BigInteger? Number, bool OnlyUserCertificates, byte[]? DistributionPoint);

    public DateTimeOffset? NextUpdate { get; }

    public bool IsRevoked(X509Certificate2 certificate) =>
        _revokedSerials.Contains(Convert.ToHexString(certificate.SerialNumberBytes.Span));

    public bool IsStale(DateTimeOffset now) => NextUpdate is { } next && next < now;

    /// <summary>Reads every CRL in a PEM file (<c>X509 CRL</c> blocks) or one DER CRL.</summary>
    public static List<MtlsRevocationList> LoadFile(string path, X509Certificate2Collection authorities)
    {
        var bytes = File.ReadAllBytes(path);
        var lists = new List<MtlsRevocationList>();
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        var remaining = text.AsSpan();
        var sawPem = false;
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            sawPem = true;
            if (remaining[fields.Label].SequenceEqual("X509 CRL"))
            {
                lists.Add(Parse(Convert.FromBase64String(remaining[fields.Base64Data].ToString()), authorities));
            }
            remaining = remaining[fields.Location.End..];
        }
        if (!sawPem)
        {
            lists.Add(Parse(bytes, authorities));
        }
        if (lists.Count == 0)
        {
            throw new InvalidDataException("contains no X509 CRL");
        }
        // One CA's CRLs naming different distribution points are partitions, each covering some of its
        // certificates: the newest of them is not the CA's status list.
        foreach (var fromOneCa in lists.GroupBy(list => list.Issuer))
        {
            if (fromOneCa.Select(list => list.DistributionPoint).OfType<byte[]>().Select(Convert.ToHexString).Distinct().Count() > 1)
            {
                throw Unusable("one of several partitions (its CA's CRLs name different distribution points)");
            }
        }
        return lists;
    }

    internal static MtlsRevocationList Parse(byte[] der, X509Certificate2Collection authorities)
    {
        try
        {
            var list = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbsBytes = list.PeekEncodedValue().ToArray();
            var tbs = list.ReadSequence();
            var algorithm = list.ReadSequence().ReadObjectIdentifier();
            var signature = list.ReadBitString(out _);

            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
            {
                tbs.ReadInteger();
            }
            tbs.ReadSequence();
            var issuerName = tbs.ReadEncodedValue().ToArray();
            var thisUpdate = ReadTime(tbs);
            DateTimeOffset? nextUpdate = null;
            if (tbs.HasData && IsTime(tbs.PeekTag()))
            {
                nextUpdate = ReadTime(tbs);
            }
            var serials = new HashSet<string>(StringComparer.Ordinal);
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var revoked = tbs.ReadSequence();
                while (revoked.HasData)
                {
                    var entry = revoked.ReadSequence();
                    serials.Add(Convert.ToHexString(entry.ReadIntegerBytes().Span));
                }
            }
            var extensions = ReadExtensions(tbs);

            foreach (var authority in authorities)
            {
                if (authority.SubjectName.RawData.AsSpan().SequenceEqual(issuerName) && VerifySignature(authority, algorithm, tbsBytes, signature))
                {
                    return new MtlsRevocationList(authority, thisUpdate, extensions, nextUpdate, serials);
                }
            }
            throw new InvalidDataException("a CRL is not signed by any certificate in TrustedCaFile");
        }
        catch (AsnContentException ex)
        {
            throw new InvalidDataException("a CRL could not be read", ex);
        }
    }

    /// <summary>
    /// Reads the CRL's extensions ([0], RFC 5280 5.2). A critical extension the gateway cannot process
    /// makes the CRL unusable for a certificate's status (RFC 5280 5.3), and so a config error: a delta
    /// CRL's deltaCRLIndicator (taken for a complete CRL, a delta would hide what its base revokes), or
    /// an issuingDistributionPoint that narrows the CRL to some reasons, attribute or CA certificates, or
    /// makes it indirect. One that only names its distribution point, or limits it to end-entity
    /// certificates, is how many CAs publish complete CRLs, and is kept.
    /// </summary>
    private static CrlExtensions ReadExtensions(AsnReader tbs)
    {
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (!tbs.HasData || !tbs.PeekTag().HasSameClassAndValue(extensionsTag))
        {
            return default;
        }
        System.Numerics.BigInteger? number = null;
        var onlyUser = false;
        byte[]? distributionPoint = null;
        var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            var value = extension.ReadOctetString();
            switch (oid)
            {
                case "2.5.29.20":
                    number = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
                    break;
                case "2.5.29.28":
                    (onlyUser, distributionPoint) = ReadIssuingDistributionPoint(value);
                    break;
                case "2.5.29.27" when critical:
                    throw Unusable("a delta CRL (deltaCRLIndicator)");
                case var _ when critical:
                    throw Unusable($"a CRL with a critical extension {oid}");
            }
        }
        return new CrlExtensions(number, onlyUser, distributionPoint);
    }

    /// <summary>issuingDistributionPoint (RFC 5280 5.2.5): what it limits the CRL to, refusing what the gateway cannot honour.</summary>
    private static (bool OnlyUser, byte[]? DistributionPoint) ReadIssuingDistributionPoint(byte[] value)
    {
        var idp = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
        byte[]? distributionPoint = null;
        var onlyUser = false;
        while (idp.HasData)
        {
            var tag = idp.PeekTag();
            if (tag.TagClass != TagClass.ContextSpecific)
            {
                throw Unusable("a CRL with an issuingDistributionPoint the gateway cannot read");
            }
            switch (tag.TagValue)
            {
                case 0:
                    distributionPoint = idp.ReadEncodedValue().ToArray();
                    break;
                case 1:
                    onlyUser = idp.ReadBoolean(tag);
                    break;
                case 2 when idp.ReadBoolean(tag):
                    throw Unusable("a CRL for CA certificates only (onlyContainsCACerts)");
                case 3:
                    throw Unusable("a CRL for some revocation reasons only (onlySomeReasons)");
                case 4 when idp.ReadBoolean(tag):
                    throw Unusable("an indirect CRL (indirectCRL)");
                case 5 when idp.ReadBoolean(tag):
                    throw Unusable("a CRL for attribute certificates (onlyContainsAttributeCerts)");
                case 2 or 4 or 5:
                    break; // explicitly false
                default:
                    throw Unusable("a CRL with an issuingDistributionPoint the gateway cannot read");
            }
        }
        return (onlyUser, distributionPoint);
    }

    private static InvalidDataException Unusable(string what) =>
        new($"a CRL is {what}, which the gateway cannot process: CrlFile takes complete CRLs only");

    private static bool IsTime(Asn1Tag tag) =>
        tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();

    private static bool VerifySignature(X509Certificate2 issuer, string algorithm, byte[] data, byte[] signature)
    {
        switch (algorithm)
        {
            case "1.2.840.113549.1.1.11" or "1.2.840.113549.1.1.12" or "1.2.840.113549.1.1.13":
                using (var rsa = issuer.GetRSAPublicKey())
                {
                    return rsa is not null && rsa.VerifyData(data, signature, RsaHash(algorithm), RSASignaturePadding.Pkcs1);
                }
            case "1.2.840.10045.4.3.2" or "1.2.840.10045.4.3.3" or "1.2.840.10045.4.3.4":
                using (var ecdsa = issuer.GetECDsaPublicKey())
                {
                    return ecdsa is not null && ecdsa.VerifyData(data, signature, EcdsaHash(algorithm), DSASignatureFormat.Rfc3279DerSequence);
                }
            default:
                return false;
        }
    }

    private static HashAlgorithmName RsaHash(string algorithm) => algorithm switch
    {
        "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
        "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    private static HashAlgorithmName EcdsaHash(string algorithm) => algorithm switch
    {
        "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
        "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };
}
