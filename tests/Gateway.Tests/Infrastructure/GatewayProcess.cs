using System.Diagnostics;
using System.Net;
using System.Text;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// The gateway program as a separate process: the build the tests reference (<c>dotnet Gateway.dll</c>),
/// or the README's <c>dotnet run</c>. Unless the test's environment names one, it runs as Production.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly string GatewayDll = Path.Combine(AppContext.BaseDirectory, "Gateway.dll");

    private readonly Process _process;
    private readonly string? _ownedDirectory;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, Uri? baseAddress, string? ownedDirectory)
    {
        _process = process;
        _ownedDirectory = ownedDirectory;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Where the gateway answers, when the test chose it.</summary>
    public Uri? BaseAddress { get; }

    /// <summary>stdout and stderr so far, interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public int Id => _process.Id;

    /// <summary>An HTTP/1.1 client for <see cref="BaseAddress"/> that trusts the gateway's test certificate.</summary>
    public HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The repository root (the directory holding Gateway.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Gateway.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("Gateway.sln not found above the test directory");
        }
    }

    /// <summary>
    /// Starts the gateway with the test's config (written as appsettings.json in a temp directory this
    /// process owns, passed with <c>--config</c>), HTTPS on a free loopback port, and waits until
    /// <c>GET readyPath</c> answers 200.
    /// </summary>
    public static async Task<GatewayProcess> StartAsync(GatewayConfig config, string readyPath = "/healthz", IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var baseAddress = new Uri($"https://127.0.0.1:{FreePort.Next()}/");
        var directory = Directory.CreateTempSubdirectory("gw-process-").FullName;
        var configPath = Path.Combine(directory, "appsettings.json");
        await File.WriteAllTextAsync(configPath, OnEndpoint(config, baseAddress));
        return await StartDllAsync(directory, baseAddress, readyPath, environment, directory, ["--config", configPath]);
    }

    /// <summary>
    /// Rewrites the config file of a gateway started from a <see cref="GatewayConfig"/>, keeping its
    /// endpoint; the gateway reloads it if it is valid.
    /// </summary>
    public Task RewriteConfigAsync(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (_ownedDirectory is null || BaseAddress is null)
        {
            throw new InvalidOperationException("only a gateway started from a GatewayConfig has a config file the test writes");
        }
        return File.WriteAllTextAsync(Path.Combine(_ownedDirectory, "appsettings.json"), OnEndpoint(config, BaseAddress));
    }

    private static string OnEndpoint(GatewayConfig config, Uri baseAddress) =>
        config.Clone().Set("Kestrel:Endpoints:Https:Url", baseAddress.GetLeftPart(UriPartial.Authority)).ToJson();

    /// <summary>
    /// Starts <c>dotnet Gateway.dll ARGS</c> in <paramref name="workingDirectory"/> (for a test that lays out
    /// the files itself) and waits until <c>GET readyPath</c> on <paramref name="baseAddress"/> answers 200.
    /// </summary>
    public static Task<GatewayProcess> StartAsync(string workingDirectory, Uri baseAddress, string readyPath, IDictionary<string, string?>? environment, params string[] args) =>
        StartDllAsync(workingDirectory, baseAddress, readyPath, environment, ownedDirectory: null, args);

    /// <summary>
    /// Starts the gateway as the README's first command does (<c>dotnet run --project src/Gateway</c> from the
    /// repository root, the environment from launchSettings) and waits until it logs that it started.
    /// </summary>
    public static async Task<GatewayProcess> StartReadmeDemoAsync(TimeSpan timeout)
    {
        var environment = new Dictionary<string, string?> { ["ASPNETCORE_ENVIRONMENT"] = null, ["DOTNET_ENVIRONMENT"] = null };
        var process = Start(["run", "--project", "src/Gateway"], RepositoryRoot, environment, baseAddress: null, ownedDirectory: null);
        try
        {
            await process.WaitForOutputAsync("Application started", timeout);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>dotnet Gateway.dll ARGS</c> (a verb, or a start-up meant to fail) until it exits: exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(string workingDirectory, params string[] args) =>
        RunToExitAsync(workingDirectory, new Dictionary<string, string?>(), args);

    /// <inheritdoc cref="RunToExitAsync(string, string[])"/>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string workingDirectory, IDictionary<string, string?> environment, params string[] args)
    {
        var result = await ExternalTool.RunAsync("dotnet", [GatewayDll, .. args], StartTimeout, workingDirectory: workingDirectory, environment: ProgramEnvironment(environment));
        return (result.ExitCode, result.Output);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        if (_ownedDirectory is not null)
        {
            Directory.Delete(_ownedDirectory, recursive: true);
        }
    }

    private static async Task<GatewayProcess> StartDllAsync(string workingDirectory, Uri baseAddress, string readyPath, IDictionary<string, string?>? environment, string? ownedDirectory, string[] args)
    {
        var process = Start([GatewayDll, .. args], workingDirectory, environment, baseAddress, ownedDirectory);
        try
        {
            await process.WaitUntilAnswersAsync(readyPath, StartTimeout);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private static GatewayProcess Start(IEnumerable<string> dotnetArgs, string workingDirectory, IDictionary<string, string?>? environment, Uri? baseAddress, string? ownedDirectory)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in dotnetArgs)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in ProgramEnvironment(environment))
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet");
        return new GatewayProcess(process, baseAddress, ownedDirectory);
    }

    private bool HasExited => _process.HasExited;

    /// <summary>Production and no dotnet banner, then the test's own variables (a null value removes one).</summary>
    private static Dictionary<string, string?> ProgramEnvironment(IDictionary<string, string?>? environment)
    {
        var merged = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        return merged;
    }

    /// <summary>Waits until <c>GET path</c> answers 200; fails at once, with the process output, if the process exits first.</summary>
    private async Task WaitUntilAnswersAsync(string path, TimeSpan timeout)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var probe = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            await Wait.UntilAsync(async () =>
            {
                try
                {
                    using var response = await probe.GetAsync(path);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Assert.False(HasExited, $"the gateway process exited before {path} answered; output:\n{Output}");
                    return false;
                }
            }, timeout, $"the gateway process answers {path} on {BaseAddress}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}; output:\n{Output}", ex);
        }
    }

    private async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        try
        {
            await Wait.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal) || HasExited, timeout, $"the output contains '{text}'");
        }
        catch (TimeoutException)
        {
        }
        if (!Output.Contains(text, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the output never contained '{text}':\n{Output}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
