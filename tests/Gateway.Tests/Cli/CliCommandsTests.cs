using Gateway.Cli;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Cli;

public sealed class CliCommandsTests
{
    /// <summary>A mistyped verb started the gateway serving (ASP.NET ignores a bare argument).</summary>
    [Fact]
    public async Task MistypedVerb_ExitsTwo_WithUsage_InsteadOfServing()
    {
        var (code, output) = await GatewayProcess.RunToExitAsync(AppContext.BaseDirectory, "valdate");

        Assert.Equal(2, code);
        Assert.Contains("unknown command 'valdate'", output, StringComparison.Ordinal);
        Assert.Contains("Usage: Gateway", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, "valdate")]
    [InlineData(true, "serve")]
    [InlineData(false, "validate")]
    [InlineData(false, "--urls", "https://0.0.0.0:9443")]
    [InlineData(false, "/urls", "https://0.0.0.0:9443")]
    [InlineData(false, "Logging:LogLevel:Default=Debug")]
    [InlineData(false)]
    public void UnknownVerb_IsABareWordThatIsNeitherAVerbNorConfiguration(bool unknown, params string[] args) =>
        Assert.Equal(unknown, CliCommands.IsUnknownVerb(args));
}
