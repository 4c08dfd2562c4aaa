using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway (<see cref="GatewayApp.Build"/>) started in-process on loopback ports with real
/// TLS, using a config file the test wrote. Its log goes to a file the test can read.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app, string directory, string configPath, string logPath)
    {
        _app = app;
        Directory = directory;
        ConfigPath = configPath;
        LogPath = logPath;
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var https = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.Ordinal));
        var http = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal));
        BaseAddress = new Uri(https ?? http ?? throw new InvalidOperationException("the gateway has no address"));
        HttpAddress = http is null ? null : new Uri(http);
    }

    /// <summary>The HTTPS address (or HTTP when there is no HTTPS endpoint).</summary>
    public Uri BaseAddress { get; }

    public Uri? HttpAddress { get; }

    public string Directory { get; }

    public string ConfigPath { get; }

    public string LogPath { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the gateway. <paramref name="extraArgs"/> are command-line config entries, e.g. "--Auth:Hmac:Clients:c:Secret=s".</summary>
    public static async Task<GatewayHost> StartAsync(GatewayConfig config, string environment = "Production", params string[] extraArgs)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("gw-host-").FullName;
        var configPath = Path.Combine(directory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, config.ToJson());
        var logPath = Path.Combine(directory, "gateway.log");
        string[] args =
        [
            "--environment", environment,
            "--Serilog:Using:0=Serilog.Sinks.File",
            "--Serilog:WriteTo:0:Name=File",
            $"--Serilog:WriteTo:0:Args:path={logPath}",
            .. extraArgs,
        ];
        var app = GatewayApp.Build(args, configPath);
        await app.StartAsync();
        var host = new GatewayHost(app, directory, configPath, logPath);
        await host.WaitUntilListeningAsync();
        return host;
    }

    /// <summary>
    /// A client for the gateway that trusts its test certificate, optionally presenting a client
    /// certificate; HTTP/1.1 unless <paramref name="version"/> says otherwise (exactly that version).
    /// </summary>
    public HttpClient CreateClient(X509Certificate2? clientCertificate = null, Version? version = null, Uri? baseAddress = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        if (clientCertificate is not null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        return new HttpClient(handler)
        {
            BaseAddress = baseAddress ?? BaseAddress,
            DefaultRequestVersion = version ?? System.Net.HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    private async Task WaitUntilListeningAsync()
    {
        await Wait.UntilAsync(async () =>
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            try
            {
                await tcp.ConnectAsync(BaseAddress.Host, BaseAddress.Port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), $"the gateway accepts connections on {BaseAddress}; log:\n{LogText()}");
    }

    /// <summary>Rewrites the config file in place; the gateway reloads it if it is valid.</summary>
    public Task RewriteConfigAsync(GatewayConfig config) => WriteRawConfigAsync(config.ToJson());

    public Task WriteRawConfigAsync(string text) => File.WriteAllTextAsync(ConfigPath, text);

    /// <summary>Everything the gateway has logged so far.</summary>
    public string LogText()
    {
        if (!File.Exists(LogPath))
        {
            return "";
        }
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
