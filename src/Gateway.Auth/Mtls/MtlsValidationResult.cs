namespace Gateway.Auth.Mtls;

/// <summary>Either the verified identity of a certificate, or why it was refused (safe to show the client).</summary>
internal readonly record struct MtlsValidationResult(MtlsCertificateIdentity? Identity, string? Failure)
{
    public static MtlsValidationResult Valid(MtlsCertificateIdentity identity) => new(identity, null);

    public static MtlsValidationResult Invalid(string reason) => new(null, reason);
}
