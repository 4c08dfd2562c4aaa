using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Auth.Mtls;

/// <summary>
/// Reads the one CN of a certificate subject. The CN becomes the client id and a header value, so it
/// is read from the encoded name itself (not a formatted string that could hide a second CN) and
/// refused when ambiguous or unsafe: more than one CN, none, characters outside printable ASCII, a
/// comma (which would make <c>X-Client-CN</c> look like a DN), or a space at either end (which a
/// header parser strips, so the backend would see another name).
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
        // The CN becomes X-Client-Id, so it follows the client-id rule (as the config's allowed list does).
        if (HeaderValue.ClientIdProblem(found) is { } problem)
        {
            reason = $"client certificate CN {problem}";
            return false;
        }
        commonName = found;
        reason = string.Empty;
        return true;
    }
}
