using Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Configuration;

public sealed class StartupValidationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gw-validate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteConfig(GatewayConfig config)
    {
        var path = Path.Combine(_directory, "appsettings.json");
        File.WriteAllText(path, config.ToJson());
        return path;
    }

    private static GatewayConfig WithRouteWithoutAuth() => new GatewayConfig("http://127.0.0.1:9/")
        .Route("good", "/good/{**rest}", "ApiKey", "read:x")
        .Route("naked", "/naked/{**rest}", auth: null)
        .Route("typo", "/typo/{**rest}", "ApiKeys")
        .ApiKeyClient("c", "sk-1", "read:x")
        .Set("Auth:ApiKey:Clients:bad:Keys", new System.Text.Json.Nodes.JsonArray("raw-key-not-a-hash"));

    [Fact]
    public async Task Validate_ExitsOne_NamingEveryRouteAndClientAtFault()
    {
        var path = WriteConfig(WithRouteWithoutAuth());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("ReverseProxy:Routes:naked", output, StringComparison.Ordinal);
        Assert.Contains("Metadata:Auth is missing", output, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Routes:typo", output, StringComparison.Ordinal);
        Assert.Contains("Auth:ApiKey:Clients:bad:Keys:0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("raw-key-not-a-hash", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_RefusesToStart_WithARouteWithoutAuth()
    {
        var path = WriteConfig(WithRouteWithoutAuth());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        Assert.NotEqual(0, code);
        Assert.Contains("ReverseProxy:Routes:naked", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    /// <summary>A level that is not one made Serilog or the logger filter throw: validate crashed (exit 134, stack trace).</summary>
    [Theory]
    [InlineData("Logging:LogLevel:Default", "Loud")]
    [InlineData("Logging:Console:LogLevel:Microsoft", "Chatty")]
    [InlineData("Serilog:MinimumLevel", "Loud")]
    [InlineData("Serilog:MinimumLevel:Override:Yarp", "Chirpy")]
    public async Task Validate_AndStart_NameABadLogLevel_AndExitOne(string key, string value)
    {
        var path = WriteConfig(new GatewayConfig("http://127.0.0.1:9/").Route("p", "/p/{**rest}", "None").Set(key, value));

        var (validateCode, validateOutput) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);
        var (startCode, startOutput) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        foreach (var (code, output) in new[] { (validateCode, validateOutput), (startCode, startOutput) })
        {
            Assert.Equal(1, code);
            Assert.Contains($"{key}: is not a log level", output, StringComparison.Ordinal);
            Assert.DoesNotContain(value, output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("Logging:LogLevel:Default", "warning")]
    [InlineData("Logging:LogLevel:Default", "2")]
    [InlineData("Serilog:MinimumLevel:Default", "Information")]
    [InlineData("Serilog:MinimumLevel:Override:Microsoft", "error")]
    [InlineData("Logging:LogLevel:Microsoft", "")] // an empty environment variable: ignored by the logger filter
    [InlineData("Serilog:MinimumLevel:Override:Yarp", "$yarpSwitch", "Serilog:LevelSwitches:$yarpSwitch", "Warning")]
    public void LogLevels_InAnyCaseOrAsTheirNumberOrSwitch_AreAccepted(string key, string value, string? otherKey = null, string? otherValue = null)
    {
        var values = new Dictionary<string, string?> { [key] = value };
        if (otherKey is not null)
        {
            values[otherKey] = otherValue;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var context = new Gateway.Auth.Configuration.ConfigValidationContext(configuration, _directory);

        global::Gateway.Hosting.LoggingConfigValidator.Validate(context);

        Assert.Empty(context.Errors);
    }

    [Theory]
    [InlineData("Serilog:MinimumLevel:Override:Yarp", "$undeclared")]
    [InlineData("Serilog:LevelSwitches:$s", "Loud")]
    public void SerilogLevelSwitches_MustBeDeclaredAndBeLevels(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var context = new Gateway.Auth.Configuration.ConfigValidationContext(configuration, _directory);

        global::Gateway.Hosting.LoggingConfigValidator.Validate(context);

        Assert.StartsWith($"{key}: is not a log level", Assert.Single(context.Errors), StringComparison.Ordinal);
    }

    /// <summary>An endpoint Url Kestrel cannot parse: validate said "config is valid" and serving crashed with a FormatException.</summary>
    [Fact]
    public async Task Validate_AndStart_NameAnEndpointUrlKestrelCannotListenOn()
    {
        var path = WriteConfig(new GatewayConfig("http://127.0.0.1:9/").Route("p", "/p/{**rest}", "None").Set("Kestrel:Endpoints:Http:Url", "notaurl"));

        var (validateCode, validateOutput) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);
        var (startCode, startOutput) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        foreach (var (code, output) in new[] { (validateCode, validateOutput), (startCode, startOutput) })
        {
            Assert.Equal(1, code);
            Assert.Contains("Kestrel:Endpoints:Http:Url: is not a URL Kestrel can listen on", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// DelayCertificate made Mtls routes renegotiate for the certificate: a 500 on a POST with a body,
    /// and on any request from a TLS 1.3 client without post-handshake auth. It is refused before listening.
    /// </summary>
    [Theory]
    [InlineData("Kestrel:Endpoints:Http:ClientCertificateMode", "DelayCertificate", "DelayCertificate is not supported")]
    [InlineData("Kestrel:EndpointDefaults:ClientCertificateMode", "delaycertificate", "DelayCertificate is not supported")]
    [InlineData("Kestrel:Endpoints:Http:ClientCertificateMode", "Sometimes", "is not a client certificate mode")]
    [InlineData("Kestrel:Endpoints:Http:Sni:example.com:ClientCertificateMode", "DelayCertificate", "DelayCertificate is not supported")]
    [InlineData("Kestrel:Endpoints:Http:ClientCertificateMode", "3", "DelayCertificate is not supported")]
    public async Task Validate_RefusesAClientCertificateModeTheGatewayCannotServe(string key, string mode, string error)
    {
        var path = WriteConfig(new GatewayConfig("http://127.0.0.1:9/").Route("p", "/p/{**rest}", "None")
            .Set("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:0")
            .Set(key, mode));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains($"{key}: {error}", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigFileThatCannotBeRead_IsAConfigErrorNamingIt()
    {
        // Opening a directory as a file throws what an unreadable file throws (UnauthorizedAccessException);
        // the tests run as root, for whom no file is unreadable. It escaped start-up as a crash with a stack trace.
        var error = Assert.Throws<global::Gateway.Configuration.GatewayConfigException>(
            () => global::Gateway.Configuration.ValidatedJsonConfigurationProvider.Parse(_directory));

        Assert.StartsWith($"{_directory}: cannot be read: ", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    /// <summary>Errors only YARP finds: an unknown load-balancing policy on the cluster, an unknown transform on a route.</summary>
    private static GatewayConfig WithSettingsYarpRefuses() => new GatewayConfig("http://127.0.0.1:9/")
        .Route("good", "/good/{**rest}", "ApiKey", "read:x")
        .Set("ReverseProxy:Routes:good:Transforms", new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["NoSuchTransform"] = "x" }))
        .Set("ReverseProxy:Clusters:backend:LoadBalancingPolicy", "NoSuchPolicy")
        .ApiKeyClient("c", "sk-1", "read:x");

    [Fact]
    public async Task Validate_ListsWhatYarpRefuses_WithTheGatewaysOwnErrors()
    {
        var path = WriteConfig(WithSettingsYarpRefuses()
            .Route("naked", "/naked/{**rest}", auth: null)
            .Route("ordered", "/ordered/{**rest}", "None")
            .Set("ReverseProxy:Routes:ordered:Order", "first"));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("ReverseProxy:Routes:naked: Metadata:Auth is missing", output, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Clusters:backend: No matching ILoadBalancingPolicy found for the load balancing policy <LoadBalancingPolicy>", output, StringComparison.Ordinal);
        Assert.Matches("ReverseProxy:Routes:good: .*NoSuchTransform", output);
        Assert.Contains("ReverseProxy:Routes:ordered:Order: YARP cannot read it", output, StringComparison.Ordinal);
        Assert.DoesNotContain("config is valid", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_RefusesToStart_WithAClusterYarpRefuses_NamingTheClusterAndField()
    {
        var path = WriteConfig(WithSettingsYarpRefuses());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("Gateway did not start", output, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Clusters:backend: No matching ILoadBalancingPolicy found for the load balancing policy <LoadBalancingPolicy>", output, StringComparison.Ordinal);
        Assert.Matches("ReverseProxy:Routes:good: .*NoSuchTransform", output);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NamesTheFieldsYarpRefuses_NeverTheirValues()
    {
        // Values YARP cannot parse, and a policy it does not know, each distinctive enough to find in the output.
        const string unparseableOrder = "order-7f3a9c-not-a-number";
        const string unparseableLimit = "limit-4d2e81-not-a-number";
        const string unknownPolicy = "policy-5e1d02-unknown";
        var path = WriteConfig(new GatewayConfig("http://127.0.0.1:9/")
            .Route("ordered", "/ordered/{**rest}", "None")
            .Set("ReverseProxy:Routes:ordered:Order", unparseableOrder)
            .Set("ReverseProxy:Clusters:backend:HttpClient:MaxConnectionsPerServer", unparseableLimit)
            .Set("ReverseProxy:Clusters:spare", new System.Text.Json.Nodes.JsonObject
            {
                ["LoadBalancingPolicy"] = unknownPolicy,
                ["Destinations"] = new System.Text.Json.Nodes.JsonObject { ["d1"] = new System.Text.Json.Nodes.JsonObject { ["Address"] = "http://127.0.0.1:9/" } },
            }));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("ReverseProxy:Routes:ordered:Order: YARP cannot read it: the value is not in the form this field takes", output, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Clusters:backend:HttpClient:MaxConnectionsPerServer: YARP cannot read it", output, StringComparison.Ordinal);
        Assert.Contains("ReverseProxy:Clusters:spare: No matching ILoadBalancingPolicy found for the load balancing policy <LoadBalancingPolicy>", output, StringComparison.Ordinal);
        foreach (var value in new[] { unparseableOrder, unparseableLimit, unknownPolicy })
        {
            Assert.DoesNotContain(value, output, StringComparison.Ordinal);
        }
    }

    /// <summary>Certificates Kestrel would fail on: a file that is not there, files that are not a certificate and key, none at all.</summary>
    private GatewayConfig WithCertificatesKestrelRefuses()
    {
        File.WriteAllText(Path.Combine(_directory, "not-a-cert.pem"), "not a certificate");
        return new GatewayConfig("http://127.0.0.1:9/")
            .Route("public", "/public/{**rest}", "None")
            .Set("Kestrel:Endpoints:Https:Certificate", new System.Text.Json.Nodes.JsonObject { ["Path"] = "certs/missing-cert.pem", ["KeyPath"] = "certs/missing-key.pem" })
            .Set("Kestrel:Endpoints:Garbled", new System.Text.Json.Nodes.JsonObject
            {
                ["Url"] = "https://127.0.0.1:0",
                ["Certificate"] = new System.Text.Json.Nodes.JsonObject { ["Path"] = "not-a-cert.pem", ["KeyPath"] = "not-a-cert.pem" },
            })
            .Set("Kestrel:Endpoints:Bare", new System.Text.Json.Nodes.JsonObject { ["Url"] = "https://127.0.0.1:0" })
            .Set("Kestrel:Endpoints:Plain", new System.Text.Json.Nodes.JsonObject { ["Url"] = "http://127.0.0.1:0" });
    }

    [Fact]
    public async Task Validate_ReportsEveryCertificateKestrelWouldFailOn()
    {
        var path = WriteConfig(WithCertificatesKestrelRefuses());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.Equal(1, code);
        Assert.Contains($"Kestrel:Endpoints:Https:Certificate:Path: file '{Path.Combine(_directory, "certs", "missing-cert.pem")}' does not exist", output, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Garbled:Certificate: ", output, StringComparison.Ordinal);
        Assert.Contains("could not be loaded", output, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Bare:Certificate: is missing", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Kestrel:Endpoints:Plain", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_RefusesToStart_WithAMissingCertificateFile_NamingTheField()
    {
        var path = WriteConfig(WithCertificatesKestrelRefuses());

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        Assert.Equal(1, code);
        Assert.Contains("Gateway did not start", output, StringComparison.Ordinal);
        Assert.Contains("Kestrel:Endpoints:Https:Certificate:Path: file", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gateway_RefusesToStart_WithInvalidJson()
    {
        var path = Path.Combine(_directory, "broken.json");
        File.WriteAllText(path, "{ \"ReverseProxy\": ");

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "--config", path);

        Assert.NotEqual(0, code);
        Assert.Contains("broken.json", output, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PrintsTheRouteTable_ForAValidConfig()
    {
        var path = WriteConfig(new GatewayConfig("http://127.0.0.1:9/")
            .Route("transactions", "/api/transactions/{**rest}", "apikey", "read:transactions")
            .Route("public", "/public/{**rest}", "None")
            .ApiKeyClient("c", "sk-1", "read:transactions"));

        var (code, output) = await GatewayProcess.RunToExitAsync(_directory, "validate", "--config", path);

        Assert.True(code == 0, output);
        Assert.Matches(@"transactions\s+/api/transactions/\{\*\*rest\}\s+ApiKey\s+read:transactions\s+backend", output);
        Assert.Matches(@"public\s+/public/\{\*\*rest\}\s+None\s+-\s+backend", output);
    }
}
