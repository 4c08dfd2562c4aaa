using Gateway.Proxy;

namespace Gateway.Tests.Proxy;

public sealed class UntrustedHeadersTests
{
    [Theory]
    [InlineData("Forwarded", true)]
    [InlineData("FORWARDED", true)]
    [InlineData("X-Real-IP", true)]
    [InlineData("x_real_ip", true)]
    [InlineData("True-Client-IP", true)]
    [InlineData("true_client-ip", true)]
    [InlineData("Client-IP", true)]
    [InlineData("CLIENT_IP", true)]
    [InlineData("X-Forwarded-Port", true)]
    [InlineData("x-forwarded-server", true)]
    [InlineData("X_Forwarded_Ssl", true)]
    [InlineData("X-Forwarded-Scheme", true)]
    [InlineData("x_forwarded_path", true)]
    [InlineData("X-Original-URL", true)]
    [InlineData("x-original-url", true)]
    [InlineData("X_Rewrite_Url", true)]
    [InlineData("X-HTTP-Method-Override", true)]
    [InlineData("x_http_method", true)]
    [InlineData("X-Method-Override", true)]
    [InlineData("X_Forwarded_For", true)]
    [InlineData("x_forwarded-proto", true)]
    [InlineData("X-Forwarded_Host", true)]
    [InlineData("x_forwarded_prefix", true)]
    [InlineData("X-Forwarded-For", false)]
    [InlineData("x-forwarded-proto", false)]
    [InlineData("X-Forwarded-Host", false)]
    [InlineData("X-Forwarded-Prefix", false)]
    [InlineData("X-Forwarded", false)]
    [InlineData("Forwarded-For", false)]
    [InlineData("X-Real-IPs", false)]
    [InlineData("Real-IP", false)]
    [InlineData("X-HTTP-Method-Overrides", false)]
    [InlineData("X.Real.IP", false)]
    [InlineData("Via", false)]
    [InlineData("Host", false)]
    public void UntrustedHeaders_AreRecognisedInAnyCase_WithUnderscoresForDashes(string name, bool untrusted)
    {
        Assert.Equal(untrusted, UntrustedHeaders.IsUntrusted(name));
    }
}
