namespace Bench.LoadGen;

/// <summary>What a row's requests carry to authenticate.</summary>
internal enum Credential
{
    None,
    ApiKey,
    Bearer,
    ClientCertificate,
    Hmac,
}
