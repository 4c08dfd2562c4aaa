using System.Diagnostics;
using System.Text;

namespace Gateway.Tests.Infrastructure;

/// <summary>The gateway as a separate process: the built Gateway.dll, or the README's <c>dotnet run</c>.</summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

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

    /// <summary>Waits until <c>GET path</c> answers 200; fails at once, with the process output, if the process exits first.</summary>
    public Task WaitUntilAnswersAsync(HttpClient client, string path, TimeSpan timeout) =>
        Wait.UntilAsync(async () =>
        {
            try
            {
                using var response = await client.GetAsync(path);
                return response.StatusCode == System.Net.HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                Assert.False(HasExited, Output);
                return false;
            }
        }, timeout, $"the gateway process answers {path}");

    public bool HasExited => _process.HasExited;

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

    /// <summary>Starts <c>dotnet Gateway.dll ARGS</c> (the build the tests reference).</summary>
    public static GatewayProcess StartDll(string workingDirectory, IDictionary<string, string?>? environment, params string[] args) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "Gateway.dll"), .. args], workingDirectory, environment);

    /// <summary>Starts a process; unless <paramref name="environment"/> names one, the environment is Production.</summary>
    public static GatewayProcess Start(string fileName, IEnumerable<string> args, string workingDirectory, IDictionary<string, string?>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
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
        return new GatewayProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}"));
    }

    /// <summary>Runs a verb to completion: exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(string workingDirectory, params string[] args)
    {
        await using var process = StartDll(workingDirectory, null, args);
        var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (code, process.Output);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the process did not exit within {timeout.TotalSeconds}s; output:\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        Wait.UntilAsync(() => Output.Contains(text, StringComparison.Ordinal) || _process.HasExited, timeout, $"the output contains '{text}'")
            .ContinueWith(t =>
            {
                if (t.IsFaulted || !Output.Contains(text, StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"the output never contained '{text}':\n{Output}");
                }
            }, TaskScheduler.Default);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
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
