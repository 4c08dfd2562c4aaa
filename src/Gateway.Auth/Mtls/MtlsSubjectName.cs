using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Auth.Mtls;

/// <summary>
/// Reads the one CN of a certificate subject. The CN becomes the client id and a header value, so it
/// is read from the encoded name itself (not a formatted string that could hide a second CN) and
/// refused when ambiguous or unsafe: more than one CN, none, or characters outside printable ASCII,
/// or a comma (which would make <c>X-Client-CN</c> look like a DN).
/// </summary>
internal static class MtlsSubjectName
{
    private const string CommonNameOid = "2.5.4.3";

    public static bool TryReadCommonName(X500DistinguishedName subject, out string commonName, out string reason)
    {
        commonName = string.Empty;
        string? found = null;
        try
        {
            var name = new AsnReader(subject.RawData, AsnEncodingRules.BER).ReadSequence();
            while (name.HasData)
            {
                var rdn = name.ReadSetOf(skipSortOrderValidation: true);
                while (rdn.HasData)
                {
                    var attribute = rdn.ReadSequence();
                    if (attribute.ReadObjectIdentifier() != CommonNameOid)
                    {
                        continue;
                    }
                    if (found is not null)
                    {
                        reason = "client certificate subject has more than one CN";
                        return false;
                    }
                    var tag = attribute.PeekTag();
                    if (tag.TagClass != TagClass.Universal)
                    {
                        reason = "client certificate CN is not a character string";
                        return false;
                    }
                    found = attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                }
            }
        }
        catch (Exception ex) when (ex is AsnContentException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            reason = "client certificate subject could not be read";
            return false;
        }

        if (found is null)
        {
            reason = "client certificate subject has no CN";
            return false;
        }
        if (!IsAcceptable(found, out reason))
        {
            return false;
        }
        commonName = found;
        return true;
    }

    /// <summary>The rule for a CN (from a certificate or a config key): non-empty printable ASCII without commas.</summary>
    public static bool IsAcceptable(string commonName, out string reason)
    {
        reason = string.Empty;
        if (commonName.Length == 0)
        {
            reason = "client certificate CN is empty";
            return false;
        }
        if (!HeaderValue.IsPrintableAscii(commonName))
        {
            reason = "client certificate CN contains control or non-ASCII characters";
            return false;
        }
        if (commonName.Contains(','))
        {
            reason = "client certificate CN contains a comma";
            return false;
        }
        return true;
    }
}
