using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Mtls;

public sealed class CertsDevTests : IAsyncLifetime
{
    private const string Cn = "payment-service.production.internal";
    private readonly string _directory = Directory.CreateTempSubdirectory("gw-certs-dev-").FullName;
    private RecordingBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await RecordingBackend.StartAsync();

    public async Task DisposeAsync()
    {
        await _backend.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task CertsDevOutput_WorksEndToEnd_WithCurlAsTheReadmeShows()
    {
        var output = Path.Combine(_directory, "certs", "dev");
        var (exitCode, text) = await GatewayProcess.RunToExitAsync(_directory, "certs", "dev", "--out", output, "--host", "gateway", Cn);
        Assert.True(exitCode == 0, text);
        using (var server = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(output, "localhost-cert.pem"))))
        {
            var names = server.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames().ToList();
            Assert.Equal(["localhost", "gateway"], names);
        }
        foreach (var file in new[] { "ca-cert.pem", "ca-key.pem", "localhost-cert.pem", "localhost-key.pem", $"{Cn}-cert.pem", $"{Cn}-key.pem" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} missing; output: {text}");
        }
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(output, $"{Cn}-key.pem")));
        }

        // The gateway serves with the server certificate from certs dev and trusts its CA for clients.
        var config = new GatewayConfig(_backend.Url)
            .Route("internal", "/api/internal/transactions/{**rest}", "Mtls", "read:transactions")
            .Set("Kestrel:Endpoints:Https:Certificate", new JsonObject { ["Path"] = Path.Combine(output, "localhost-cert.pem"), ["KeyPath"] = Path.Combine(output, "localhost-key.pem") })
            .Set("Auth:Mtls:TrustedCaFile", Path.Combine(output, "ca-cert.pem"))
            .Set($"Auth:Mtls:Clients:{Cn}", new JsonObject { ["Scopes"] = new JsonArray("read:transactions") });
        await using var gateway = await GatewayHost.StartAsync(config);
        var url = new Uri(gateway.BaseAddress, "/api/internal/transactions/42").ToString();

        var (curlExit, body) = await CurlAsync(
            "--silent", "--show-error", "--fail-with-body",
            "--cacert", Path.Combine(output, "ca-cert.pem"),
            "--cert", Path.Combine(output, $"{Cn}-cert.pem"),
            "--key", Path.Combine(output, $"{Cn}-key.pem"),
            url);

        Assert.True(curlExit == 0, $"curl exited {curlExit}: {body}");
        Assert.Equal(1, _backend.Count);
        using var presented = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(output, $"{Cn}-cert.pem")));
        Assert.Equal(Cn, _backend.Last.Header("X-Client-CN"));
        Assert.Equal("SUCCESS", _backend.Last.Header("X-Client-Verify"));
        Assert.Equal(TestCertificates.Sha256Hex(presented), _backend.Last.Header("X-Client-Cert-Sha256"));

        // Without --cert: 401, nothing forwarded.
        var (refusedExit, refused) = await CurlAsync("--silent", "--write-out", "%{http_code}", "--output", "/dev/null", "--cacert", Path.Combine(output, "ca-cert.pem"), url);
        Assert.Equal(0, refusedExit);
        Assert.Equal("401", refused.Trim());
        Assert.Equal(1, _backend.Count);

        // The same files also work from .NET, with the server certificate checked against the dev CA.
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(output, "ca-cert.pem")));
        using var client = new CountingClient(gateway.BaseAddress, X509Certificate2.CreateFromPemFile(Path.Combine(output, $"{Cn}-cert.pem"), Path.Combine(output, $"{Cn}-key.pem")), HttpVersion.Version20, trustedServerCa: ca);
        using var response = await client.Http.GetAsync("/api/internal/transactions/43");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _backend.Count);
    }

    [Fact]
    public async Task CertsDev_RunAgain_KeepsTheCa_SoEarlierClientCertificatesStayValid()
    {
        var output = Path.Combine(_directory, "again");
        var first = await GatewayProcess.RunToExitAsync(_directory, "certs", "dev", "--out", output, "a.internal");
        var ca = await File.ReadAllTextAsync(Path.Combine(output, "ca-cert.pem"));
        var second = await GatewayProcess.RunToExitAsync(_directory, "certs", "dev", "--out", output, "b.internal");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(ca, await File.ReadAllTextAsync(Path.Combine(output, "ca-cert.pem")));
        Assert.True(File.Exists(Path.Combine(output, "a.internal-cert.pem")));
        Assert.True(File.Exists(Path.Combine(output, "b.internal-cert.pem")));
    }

    [Fact]
    public async Task OpensslRecipe_FromTheReadme_GivesACertificateTheGatewayAccepts()
    {
        var dir = Path.Combine(_directory, "openssl");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "client-ext.cnf"), "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n");
        await OpensslAsync(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-sha256", "-keyout", "ca-key.pem", "-out", "ca-cert.pem", "-subj", "/CN=Internal CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        await OpensslAsync(dir, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client-key.pem", "-out", "client.csr", "-subj", $"/CN={Cn}");
        await OpensslAsync(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "365", "-sha256", "-extfile", "client-ext.cnf", "-out", "client-cert.pem");
        // The seed recipe without the EKU: the gateway must refuse it.
        await OpensslAsync(dir, "x509", "-req", "-in", "client.csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem", "-CAcreateserial", "-days", "365", "-sha256", "-out", "no-eku-cert.pem");

        var config = new GatewayConfig(_backend.Url)
            .Route("internal", "/api/internal/transactions/{**rest}", "Mtls", "read:transactions")
            .Set("Auth:Mtls:TrustedCaFile", Path.Combine(dir, "ca-cert.pem"))
            .Set($"Auth:Mtls:Clients:{Cn}", new JsonObject { ["Scopes"] = new JsonArray("read:transactions") });
        await using var gateway = await GatewayHost.StartAsync(config);
        var url = new Uri(gateway.BaseAddress, "/api/internal/transactions/42").ToString();

        var (okExit, ok) = await CurlAsync("--silent", "--insecure", "--write-out", "%{http_code}", "--output", "/dev/null",
            "--cert", Path.Combine(dir, "client-cert.pem"), "--key", Path.Combine(dir, "client-key.pem"), url);
        var (noEkuExit, noEku) = await CurlAsync("--silent", "--insecure", "--write-out", "%{http_code}", "--output", "/dev/null",
            "--cert", Path.Combine(dir, "no-eku-cert.pem"), "--key", Path.Combine(dir, "client-key.pem"), url);

        Assert.Equal((0, "200"), (okExit, ok.Trim()));
        Assert.Equal((0, "401"), (noEkuExit, noEku.Trim()));
        Assert.Equal(1, _backend.Count);
        Assert.Equal(Cn, _backend.Last.Header("X-Client-CN"));
    }

    private static async Task OpensslAsync(string directory, params string[] args) =>
        (await ExternalTool.RunAsync("openssl", args, TimeSpan.FromSeconds(60), workingDirectory: directory)).EnsureSuccess();

    [Theory]
    [InlineData("bad,cn")]
    [InlineData("team:cn")]
    [InlineData("--bogus")]
    [InlineData("--days", "99999999")] // overflowed the date arithmetic: a crash, and a CA without a server certificate
    [InlineData("--days", "0")]
    public async Task CertsDev_RefusesUnusableArguments(params string[] arguments)
    {
        var (exitCode, text) = await GatewayProcess.RunToExitAsync(_directory, ["certs", "dev", "--out", Path.Combine(_directory, "bad"), .. arguments]);

        Assert.Equal(2, exitCode);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "bad", "ca-cert.pem")), text);
    }

    /// <summary>A directory that cannot be made (here: under a file) was a crash with a stack trace.</summary>
    [Fact]
    public async Task CertsDev_OutThatCannotBeWritten_IsAnError_NotACrash()
    {
        var file = Path.Combine(_directory, "a-file");
        await File.WriteAllTextAsync(file, "x");

        var (exitCode, text) = await GatewayProcess.RunToExitAsync(_directory, "certs", "dev", "--out", Path.Combine(file, "certs"));

        Assert.Equal(1, exitCode);
        Assert.Contains("certs dev: cannot write the certificates to ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", text, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> CurlAsync(params string[] args)
    {
        var curl = await ExternalTool.RunAsync("curl", args, TimeSpan.FromSeconds(30));
        return (curl.ExitCode, curl.Output);
    }
}
