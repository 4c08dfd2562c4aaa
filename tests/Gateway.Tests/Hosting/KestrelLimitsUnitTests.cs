using System.Text;
using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;

namespace Gateway.Tests.Hosting;

/// <summary>How the <c>Kestrel:Limits</c> section, as JSON, lands on Kestrel's limits, and what it reports.</summary>
public sealed class KestrelLimitsUnitTests
{
    private static (KestrelServerLimits Limits, List<string> Errors) Apply(string limitsJson)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes($"{{ \"Kestrel\": {{ \"Limits\": {limitsJson} }} }}"));
        var configuration = new ConfigurationBuilder().AddJsonStream(stream).Build();
        var limits = new KestrelServerOptions().Limits;
        var errors = new List<string>();
        KestrelLimits.Apply(configuration.GetSection(KestrelLimits.SectionPath), limits, (path, message) => errors.Add($"{path}: {message}"));
        return (limits, errors);
    }

    [Fact]
    public void EveryKnownKey_IsSet_InAnyCase()
    {
        var (limits, errors) = Apply("""
            {
              "maxrequestbodysize": 1048576,
              "MaxRequestBufferSize": 2000000,
              "MaxResponseBufferSize": 0,
              "MaxRequestLineSize": 4096,
              "MaxRequestHeadersTotalSize": 16384,
              "MaxRequestHeaderCount": 50,
              "MaxConcurrentConnections": 1000,
              "MaxConcurrentUpgradedConnections": 10,
              "KeepAliveTimeout": "00:01:00",
              "RequestHeadersTimeout": "00:00:10",
              "MinRequestBodyDataRate": { "BytesPerSecond": 100, "GracePeriod": "00:00:10" },
              "MinResponseDataRate": { "BytesPerSecond": 50.5, "GracePeriod": "00:00:03" },
              "http2": {
                "MaxStreamsPerConnection": 50,
                "HeaderTableSize": 0,
                "MaxFrameSize": 32768,
                "MaxRequestHeaderFieldSize": 8192,
                "InitialConnectionWindowSize": 262144,
                "InitialStreamWindowSize": 131072,
                "KeepAlivePingDelay": "00:00:30",
                "KeepAlivePingTimeout": "00:00:20"
              },
              "Http3": { "MaxRequestHeaderFieldSize": 8192 }
            }
            """);

        Assert.Empty(errors);
        Assert.Equal(1048576, limits.MaxRequestBodySize);
        Assert.Equal(2000000, limits.MaxRequestBufferSize);
        Assert.Equal(0, limits.MaxResponseBufferSize);
        Assert.Equal(4096, limits.MaxRequestLineSize);
        Assert.Equal(16384, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(50, limits.MaxRequestHeaderCount);
        Assert.Equal(1000, limits.MaxConcurrentConnections);
        Assert.Equal(10, limits.MaxConcurrentUpgradedConnections);
        Assert.Equal(TimeSpan.FromMinutes(1), limits.KeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.RequestHeadersTimeout);
        Assert.Equal(100, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(10), limits.MinRequestBodyDataRate.GracePeriod);
        Assert.Equal(50.5, limits.MinResponseDataRate!.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(3), limits.MinResponseDataRate.GracePeriod);
        Assert.Equal(50, limits.Http2.MaxStreamsPerConnection);
        Assert.Equal(0, limits.Http2.HeaderTableSize);
        Assert.Equal(32768, limits.Http2.MaxFrameSize);
        Assert.Equal(8192, limits.Http2.MaxRequestHeaderFieldSize);
        Assert.Equal(262144, limits.Http2.InitialConnectionWindowSize);
        Assert.Equal(131072, limits.Http2.InitialStreamWindowSize);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.Http2.KeepAlivePingDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), limits.Http2.KeepAlivePingTimeout);
        Assert.Equal(8192, limits.Http3.MaxRequestHeaderFieldSize);
    }

    [Fact]
    public void Null_LiftsALimit_AndDisablesADataRate()
    {
        var (limits, errors) = Apply("""
            { "MaxRequestBodySize": null, "MaxConcurrentConnections": null, "MinRequestBodyDataRate": null, "MinResponseDataRate": null }
            """);

        Assert.Empty(errors);
        Assert.Null(limits.MaxRequestBodySize);
        Assert.Null(limits.MaxConcurrentConnections);
        Assert.Null(limits.MinRequestBodyDataRate);
        Assert.Null(limits.MinResponseDataRate);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("null")]
    [InlineData("{ \"Http2\": {} }")]
    public void NothingSet_LeavesKestrelsDefaults(string json)
    {
        var (limits, errors) = Apply(json);
        var defaults = new KestrelServerOptions().Limits;

        Assert.Empty(errors);
        Assert.Equal(defaults.MaxRequestBodySize, limits.MaxRequestBodySize);
        Assert.Equal(defaults.MaxRequestHeadersTotalSize, limits.MaxRequestHeadersTotalSize);
        Assert.Equal(defaults.MinRequestBodyDataRate!.BytesPerSecond, limits.MinRequestBodyDataRate!.BytesPerSecond);
        Assert.Equal(defaults.Http2.MaxFrameSize, limits.Http2.MaxFrameSize);
    }

    [Theory]
    [InlineData("{ \"MaxRequestBodySize\": \"1MB\" }", "Kestrel:Limits:MaxRequestBodySize: '1MB' must be a number of bytes, 0 or more, or null for no limit")]
    [InlineData("{ \"MaxRequestBodySize\": -1 }", "Kestrel:Limits:MaxRequestBodySize: '-1' must be a number of bytes, 0 or more, or null for no limit")]
    [InlineData("{ \"MaxRequestBodySize\": 1.5 }", "Kestrel:Limits:MaxRequestBodySize: '1.5' must be a number of bytes, 0 or more, or null for no limit")]
    [InlineData("{ \"MaxConcurrentConnections\": 0 }", "Kestrel:Limits:MaxConcurrentConnections: '0' must be a positive whole number, or null for no limit")]
    [InlineData("{ \"MaxRequestHeadersTotalSize\": 0 }", "Kestrel:Limits:MaxRequestHeadersTotalSize: '0' must be a positive number of bytes")]
    [InlineData("{ \"MaxRequestHeadersTotalSize\": null }", "Kestrel:Limits:MaxRequestHeadersTotalSize: must be a positive number of bytes")]
    [InlineData("{ \"MaxRequestHeadersTotalSize\": 4294967296 }", "Kestrel:Limits:MaxRequestHeadersTotalSize: '4294967296' must be a positive number of bytes")]
    [InlineData("{ \"KeepAliveTimeout\": \"soon\" }", "Kestrel:Limits:KeepAliveTimeout: 'soon' " + TimeRule)]
    [InlineData("{ \"KeepAliveTimeout\": \"00:00:00\" }", "Kestrel:Limits:KeepAliveTimeout: '00:00:00' " + TimeRule)]
    [InlineData("{ \"Http2\": { \"MaxFrameSize\": 100 } }", "Kestrel:Limits:Http2:MaxFrameSize: '100' must be a number of bytes from 16384 to 16777215")]
    [InlineData("{ \"Http2\": { \"InitialStreamWindowSize\": 1 } }", "Kestrel:Limits:Http2:InitialStreamWindowSize: '1' must be a number of bytes from 65535 to 2147483647")]
    [InlineData("{ \"Http2\": 5 }", "Kestrel:Limits:Http2: must be an object of Http2 limits")]
    [InlineData("5", "Kestrel:Limits: must be an object of Kestrel limits")]
    public void BadValue_IsReported_NamingItsKey(string json, string error)
    {
        var (_, errors) = Apply(json);

        Assert.Equal([error], errors);
    }

    [Theory]
    [InlineData("{ \"BytesPerSecond\": 240 }")]
    [InlineData("{ \"GracePeriod\": \"00:00:05\" }")]
    [InlineData("{ \"BytesPerSecond\": -1, \"GracePeriod\": \"00:00:05\" }")]
    [InlineData("{ \"BytesPerSecond\": 240, \"GracePeriod\": \"00:00:01\" }")]
    [InlineData("{ \"BytesPerSecond\": \"fast\", \"GracePeriod\": \"00:00:05\" }")]
    [InlineData("{ \"BytesPerSecond\": 240, \"GracePeriod\": \"00:00:05\", \"Burst\": 1 }")]
    [InlineData("240")]
    public void BadDataRate_IsReported_NamingItsKey(string rate)
    {
        var (limits, errors) = Apply($"{{ \"MinRequestBodyDataRate\": {rate} }}");

        var error = Assert.Single(errors);
        Assert.StartsWith("Kestrel:Limits:MinRequestBodyDataRate: ", error, StringComparison.Ordinal);
        Assert.Contains("must be null (no minimum) or { \"BytesPerSecond\": 240, \"GracePeriod\": \"00:00:05\" }", error, StringComparison.Ordinal);
        Assert.Equal(new KestrelServerOptions().Limits.MinRequestBodyDataRate!.GracePeriod, limits.MinRequestBodyDataRate!.GracePeriod);
    }

    [Theory]
    [InlineData("{ \"MaxRequestBodySise\": 1000 }", "Kestrel:Limits:MaxRequestBodySise")]
    [InlineData("{ \"Http2\": { \"MaxRequestBodySize\": 1000 } }", "Kestrel:Limits:Http2:MaxRequestBodySize")]
    [InlineData("{ \"Http4\": { \"MaxFrameSize\": 1000 } }", "Kestrel:Limits:Http4")]
    public void UnknownKey_IsAnError_ListingTheKnownOnes(string json, string path)
    {
        var (_, errors) = Apply(json);

        var error = Assert.Single(errors);
        Assert.StartsWith($"{path}: is not a Kestrel limit the gateway knows; the known ones are MaxRequestBodySize, ", error, StringComparison.Ordinal);
        Assert.Contains("Http2:MaxFrameSize", error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryError_IsReported_AndTheGoodValuesStillApply()
    {
        var (limits, errors) = Apply("""{ "MaxRequestBodySize": "x", "MaxRequestLineSize": "y", "MaxRequestHeaderCount": 7 }""");

        Assert.Equal(2, errors.Count);
        Assert.Equal(7, limits.MaxRequestHeaderCount);
    }

    // B1: Kestrel refuses to start when MaxRequestBufferSize is below the request line or header limits.

    [Theory]
    [InlineData("{ \"MaxRequestBufferSize\": 1000 }", "'1000' must be at least MaxRequestLineSize (8192) and MaxRequestHeadersTotalSize (32768)")]
    [InlineData("{ \"MaxRequestBufferSize\": 10000 }", "'10000' must be at least MaxRequestLineSize (8192) and MaxRequestHeadersTotalSize (32768)")]
    [InlineData("{ \"MaxRequestBufferSize\": 20000, \"MaxRequestLineSize\": 30000, \"MaxRequestHeadersTotalSize\": 16384 }", "'20000' must be at least MaxRequestLineSize (30000) and MaxRequestHeadersTotalSize (16384)")]
    [InlineData("{ \"MaxRequestHeadersTotalSize\": 2000000 }", "Kestrel's default (1048576) must be at least MaxRequestLineSize (8192) and MaxRequestHeadersTotalSize (2000000)")]
    public void MaxRequestBufferSize_BelowTheRequestLineOrHeaders_IsReported(string json, string message)
    {
        var (_, errors) = Apply(json);

        Assert.Equal([$"Kestrel:Limits:MaxRequestBufferSize: {message}"], errors);
    }

    [Theory]
    [InlineData("{ \"MaxRequestBufferSize\": 32768 }")]
    [InlineData("{ \"MaxRequestBufferSize\": null, \"MaxRequestHeadersTotalSize\": 2000000 }")]
    [InlineData("{ \"MaxRequestBufferSize\": 4096, \"MaxRequestLineSize\": 4096, \"MaxRequestHeadersTotalSize\": 4096 }")]
    public void MaxRequestBufferSize_AtLeastTheRequestLineAndHeaders_OrUnlimited_IsAccepted(string json) =>
        Assert.Empty(Apply(json).Errors);

    // B2: Kestrel's timeout arithmetic overflows on very long time spans; every time span is capped at 1 day.

    [Theory]
    [InlineData("KeepAliveTimeout")]
    [InlineData("RequestHeadersTimeout")]
    [InlineData("Http2:KeepAlivePingDelay")]
    [InlineData("Http2:KeepAlivePingTimeout")]
    public void TimeSpan_OverOneDay_IsReported_AndOneDayIsAccepted(string key)
    {
        string Json(string value) => key.StartsWith("Http2:", StringComparison.Ordinal)
            ? $"{{ \"Http2\": {{ \"{key[6..]}\": \"{value}\" }} }}"
            : $"{{ \"{key}\": \"{value}\" }}";

        var rule = key.StartsWith("Http2:KeepAlivePing", StringComparison.Ordinal) ? PingTimeRule : TimeRule;
        Assert.Equal([$"Kestrel:Limits:{key}: '110000.00:00:00' {rule}"], Apply(Json("110000.00:00:00")).Errors);
        Assert.Equal([$"Kestrel:Limits:{key}: '1.00:00:01' {rule}"], Apply(Json("1.00:00:01")).Errors);
        Assert.Empty(Apply(Json("1.00:00:00")).Errors);
    }

    /// <summary>Kestrel refuses HTTP/2 ping times under 1 second; the rule says so rather than "over 0".</summary>
    [Theory]
    [InlineData("KeepAlivePingDelay")]
    [InlineData("KeepAlivePingTimeout")]
    public void Http2PingTime_UnderOneSecond_IsReported_WithItsOwnRule(string key)
    {
        Assert.Equal([$"Kestrel:Limits:Http2:{key}: '00:00:00.5' {PingTimeRule}"], Apply($"{{ \"Http2\": {{ \"{key}\": \"00:00:00.5\" }} }}").Errors);
        Assert.Empty(Apply($"{{ \"Http2\": {{ \"{key}\": \"00:00:01\" }} }}").Errors);
    }

    private const string TimeRule = "must be a time span \"hh:mm:ss\" (\"d.hh:mm:ss.fff\" with days or a fraction) over 0 and at most 1 day (\"1.00:00:00\")";

    private const string PingTimeRule = "must be a time span \"hh:mm:ss\" (\"d.hh:mm:ss.fff\" with days or a fraction) of at least 1 second and at most 1 day (\"1.00:00:00\")";

    [Theory]
    [InlineData("200000.00:00:00")]
    [InlineData("1.00:00:01")]
    public void DataRateGracePeriod_OverOneDay_IsReported(string grace)
    {
        var (_, errors) = Apply($"{{ \"MinResponseDataRate\": {{ \"BytesPerSecond\": 240, \"GracePeriod\": \"{grace}\" }} }}");

        var error = Assert.Single(errors);
        Assert.StartsWith("Kestrel:Limits:MinResponseDataRate: ", error, StringComparison.Ordinal);
        Assert.Contains("GracePeriod over 1 second and at most 1 day", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DataRateGracePeriod_OfOneDay_IsAccepted()
    {
        var (limits, errors) = Apply("""{ "MinResponseDataRate": { "BytesPerSecond": 240, "GracePeriod": "1.00:00:00" } }""");

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromDays(1), limits.MinResponseDataRate!.GracePeriod);
    }

    // R1: only JSON null and the string "null" lift a limit; an empty value is an error.

    [Theory]
    [InlineData("MaxRequestBodySize", "\"\"")]
    [InlineData("MaxRequestBodySize", "[]")]
    [InlineData("MaxRequestBufferSize", "\"\"")]
    [InlineData("MaxResponseBufferSize", "\"\"")]
    [InlineData("MaxConcurrentConnections", "\"\"")]
    [InlineData("MaxConcurrentUpgradedConnections", "[]")]
    [InlineData("MinRequestBodyDataRate", "\"\"")]
    [InlineData("MinResponseDataRate", "[]")]
    public void EmptyValue_IsAnError_NotNoLimit(string key, string value)
    {
        var (limits, errors) = Apply($"{{ \"{key}\": {value} }}");
        var defaults = new KestrelServerOptions().Limits;

        var error = Assert.Single(errors);
        Assert.StartsWith($"Kestrel:Limits:{key}: is empty; write null for no ", error, StringComparison.Ordinal);
        // Every key of the table kept Kestrel's default, the one under test included.
        Assert.Equal(defaults.MaxRequestBodySize, limits.MaxRequestBodySize);
        Assert.Equal(defaults.MaxRequestBufferSize, limits.MaxRequestBufferSize);
        Assert.Equal(defaults.MaxResponseBufferSize, limits.MaxResponseBufferSize);
        Assert.Equal(defaults.MaxConcurrentConnections, limits.MaxConcurrentConnections);
        Assert.Equal(defaults.MaxConcurrentUpgradedConnections, limits.MaxConcurrentUpgradedConnections);
        Assert.NotNull(limits.MinRequestBodyDataRate);
        Assert.NotNull(limits.MinResponseDataRate);
    }

    [Theory]
    [InlineData("\"null\"")]
    [InlineData("\"NULL\"")]
    [InlineData("\"Null\"")]
    public void NullAsAString_LiftsALimit_AndDisablesADataRate(string value)
    {
        var (limits, errors) = Apply($$"""
            { "MaxRequestBodySize": {{value}}, "MaxRequestBufferSize": {{value}}, "MaxResponseBufferSize": {{value}}, "MaxConcurrentConnections": {{value}},
              "MaxConcurrentUpgradedConnections": {{value}}, "MinRequestBodyDataRate": {{value}}, "MinResponseDataRate": {{value}} }
            """);

        Assert.Empty(errors);
        Assert.Null(limits.MaxRequestBodySize);
        Assert.Null(limits.MaxRequestBufferSize);
        Assert.Null(limits.MaxResponseBufferSize);
        Assert.Null(limits.MaxConcurrentConnections);
        Assert.Null(limits.MaxConcurrentUpgradedConnections);
        Assert.Null(limits.MinRequestBodyDataRate);
        Assert.Null(limits.MinResponseDataRate);
    }

    [Fact]
    public void EmptyValue_FromAnEnvironmentVariable_IsAnError()
    {
        // Kestrel__Limits__MaxRequestBodySize=${UNSET} in a template: the variable is there, empty.
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([new("Kestrel:Limits:MaxRequestBodySize", ""), new("Kestrel:Limits:MaxConcurrentConnections", "null")])
            .Build();
        var limits = new KestrelServerOptions().Limits;
        var errors = new List<string>();

        KestrelLimits.Apply(configuration.GetSection(KestrelLimits.SectionPath), limits, (path, message) => errors.Add($"{path}: {message}"));

        Assert.Equal(["Kestrel:Limits:MaxRequestBodySize: is empty; write null for no limit, or a number of bytes, 0 or more"], errors);
        Assert.Equal(30_000_000, limits.MaxRequestBodySize);
        Assert.Null(limits.MaxConcurrentConnections);
    }

    /// <summary>
    /// What each JSON shape is by the time it reaches the limits, read through the gateway's own JSON
    /// provider: JSON null and {} are both a null value (configuration cannot tell them apart), while
    /// "" and [] are both an empty string.
    /// </summary>
    [Fact]
    public void JsonShapes_ThroughTheGatewaysJsonProvider()
    {
        var directory = Directory.CreateTempSubdirectory("gw-limits-unit-").FullName;
        try
        {
            var path = Path.Combine(directory, "appsettings.json");
            File.WriteAllText(path, """{ "Kestrel": { "Limits": { "MaxRequestBodySize": null, "MaxRequestBufferSize": "", "MaxResponseBufferSize": [], "MinRequestBodyDataRate": {}, "MaxConcurrentConnections": "null" } } }""");
            var configuration = new ConfigurationBuilder().Add(new ValidatedJsonConfigurationSource(path, optional: false, guard: null!)).Build();
            var section = configuration.GetSection(KestrelLimits.SectionPath);

            Assert.Null(section["MaxRequestBodySize"]);
            Assert.Equal("", section["MaxRequestBufferSize"]);
            Assert.Equal("", section["MaxResponseBufferSize"]);
            Assert.Null(section["MinRequestBodyDataRate"]);
            Assert.Equal("null", section["MaxConcurrentConnections"]);

            var limits = new KestrelServerOptions().Limits;
            var errors = new List<string>();
            KestrelLimits.Apply(section, limits, (key, message) => errors.Add($"{key}: {message}"));
            Assert.Equal(["Kestrel:Limits:MaxRequestBufferSize", "Kestrel:Limits:MaxResponseBufferSize"], errors.Select(e => e[..e.IndexOf(": ", StringComparison.Ordinal)]));
            Assert.Null(limits.MaxRequestBodySize);
            Assert.Null(limits.MaxConcurrentConnections);
            // {} is JSON null to configuration, so it still means "no minimum" (documented).
            Assert.Null(limits.MinRequestBodyDataRate);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("{ \"MaxRequestHeadersTotalSize\": \"null\" }", "Kestrel:Limits:MaxRequestHeadersTotalSize: 'null' must be a positive number of bytes")]
    [InlineData("{ \"KeepAliveTimeout\": null }", "Kestrel:Limits:KeepAliveTimeout: " + TimeRule)]
    [InlineData("{ \"KeepAliveTimeout\": \"null\" }", "Kestrel:Limits:KeepAliveTimeout: 'null' " + TimeRule)]
    public void Null_WhereTheLimitTakesNone_IsRefused_WithoutOfferingNull(string json, string error)
    {
        var (_, errors) = Apply(json);

        Assert.Equal([error], errors);
        Assert.DoesNotContain("null for no limit", errors[0], StringComparison.Ordinal);
    }

    // R2: a bare number is not a time span (TimeSpan.Parse would read "30" as 30 days).

    [Theory]
    [InlineData("KeepAliveTimeout", "30")]
    [InlineData("RequestHeadersTimeout", "5")]
    [InlineData("KeepAliveTimeout", "1.5")]
    public void BareNumber_IsNotATimeSpan(string key, string value)
    {
        var (limits, errors) = Apply($"{{ \"{key}\": \"{value}\" }}");
        var defaults = new KestrelServerOptions().Limits;

        Assert.Equal([$"Kestrel:Limits:{key}: '{value}' is a bare number; {TimeRule}, e.g. \"00:00:30\" for 30 seconds"], errors);
        Assert.Equal(defaults.KeepAliveTimeout, limits.KeepAliveTimeout);
        Assert.Equal(defaults.RequestHeadersTimeout, limits.RequestHeadersTimeout);
    }

    [Fact]
    public void BareNumber_IsNotAGracePeriod()
    {
        var (_, errors) = Apply("""{ "MinRequestBodyDataRate": { "BytesPerSecond": 240, "GracePeriod": "5" } }""");

        var error = Assert.Single(errors);
        Assert.StartsWith("Kestrel:Limits:MinRequestBodyDataRate: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00:00:30", 30)]
    [InlineData("00:01", 60)]
    [InlineData("0.00:00:30", 30)]
    [InlineData("00:00:02.5", 2.5)]
    public void TimeSpan_WithColons_IsRead(string value, double seconds)
    {
        var (limits, errors) = Apply($"{{ \"KeepAliveTimeout\": \"{value}\" }}");

        Assert.Empty(errors);
        Assert.Equal(TimeSpan.FromSeconds(seconds), limits.KeepAliveTimeout);
    }
}
