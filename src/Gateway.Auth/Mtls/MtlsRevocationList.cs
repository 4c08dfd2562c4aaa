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

    private MtlsRevocationList(X509Certificate2 issuer, DateTimeOffset thisUpdate, System.Numerics.BigInteger? number, DateTimeOffset? nextUpdate, HashSet<string> revokedSerials)
    {
        Issuer = issuer;
        ThisUpdate = thisUpdate;
        Number = number;
        NextUpdate = nextUpdate;
        _revokedSerials = revokedSerials;
    }

    /// <summary>The trusted CA whose signature on this CRL verified.</summary>
    public X509Certificate2 Issuer { get; }

    /// <summary>When the CA issued this CRL: of several from one CA, the latest is the one that counts.</summary>
    public DateTimeOffset ThisUpdate { get; }

    /// <summary>The cRLNumber (RFC 5280 5.2.3), which only grows: tells apart CRLs issued in the same second.</summary>
    public System.Numerics.BigInteger? Number { get; }

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
            var number = ReadExtensions(tbs);

            foreach (var authority in authorities)
            {
                if (authority.SubjectName.RawData.AsSpan().SequenceEqual(issuerName) && VerifySignature(authority, algorithm, tbsBytes, signature))
                {
                    return new MtlsRevocationList(authority, thisUpdate, number, nextUpdate, serials);
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
    /// Reads the CRL's extensions ([0], RFC 5280 5.2) and returns its cRLNumber. A critical extension
    /// cannot be processed here (a delta CRL's deltaCRLIndicator, a partitioned or indirect CRL's
    /// issuingDistributionPoint): such a CRL must not be used to decide a certificate's status
    /// (RFC 5280 5.3), and taken for a full CRL a delta would hide what its base revokes, so it is refused.
    /// </summary>
    private static System.Numerics.BigInteger? ReadExtensions(AsnReader tbs)
    {
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (!tbs.HasData || !tbs.PeekTag().HasSameClassAndValue(extensionsTag))
        {
            return null;
        }
        System.Numerics.BigInteger? number = null;
        var extensions = tbs.ReadSequence(extensionsTag).ReadSequence();
        while (extensions.HasData)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            var value = extension.ReadOctetString();
            if (critical)
            {
                var name = oid switch
                {
                    "2.5.29.27" => "a delta CRL (deltaCRLIndicator)",
                    "2.5.29.28" => "a partitioned or indirect CRL (issuingDistributionPoint)",
                    _ => $"a critical extension {oid}",
                };
                throw new InvalidDataException($"a CRL is {name}, which the gateway cannot process: CrlFile takes complete CRLs only");
            }
            if (oid == "2.5.29.20")
            {
                number = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
            }
        }
        return number;
    }

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
