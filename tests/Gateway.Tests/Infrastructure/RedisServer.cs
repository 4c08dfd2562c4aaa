using System.Diagnostics;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> on a free loopback port, without persistence (<c>--save "" --appendonly
/// no</c>), in its own temp directory. Stop, restart (empty, same port), flush and read-only helpers
/// let tests break it the ways production Redis breaks.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private Process? _process;

    private RedisServer(int port, string directory)
    {
        Port = port;
        _directory = directory;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort.Next(), Directory.CreateTempSubdirectory("gw-redis-").FullName);
        await server.StartProcessAsync();
        return server;
    }

    /// <summary>Kills the server (like a crash: nothing is saved).</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _process = null;
        await Wait.UntilAsync(async () => !await PingsAsync(), TimeSpan.FromSeconds(10), $"redis on port {Port} is down");
    }

    /// <summary>Starts it again on the same port, empty (no persistence).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartProcessAsync();
    }

    public Task FlushAsync() => ExpectAsync("OK", "FLUSHALL");

    /// <summary>Turns the server into a replica of a master that does not exist: every write answers READONLY.</summary>
    public Task SetReadOnlyAsync() => ExpectAsync("OK", "REPLICAOF", "127.0.0.1", FreePort.Next().ToString());

    /// <summary>
    /// Blocks the server for <paramref name="duration"/> (<c>DEBUG SLEEP</c>): a slow Redis. Returns once
    /// the server is asleep, seen from its side (its main thread waits in <c>nanosleep</c>, which Redis
    /// only does for <c>DEBUG SLEEP</c>), with a task that completes when it answers again.
    /// </summary>
    public async Task<Task> SleepAsync(TimeSpan duration)
    {
        var pid = _process?.Id ?? throw new InvalidOperationException("redis is not running");
        var awake = CommandAsync(duration + TimeSpan.FromSeconds(10), "DEBUG", "SLEEP", duration.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Wait.UntilAsync(
            async () => awake.IsCompleted || (await ReadWaitChannelAsync(pid)).Contains("nanosleep", StringComparison.Ordinal),
            duration,
            $"redis-server {pid} is in DEBUG SLEEP (/proc/{pid}/wchan)");
        if (awake.IsCompleted)
        {
            throw new InvalidOperationException($"redis DEBUG SLEEP ended before it was seen: {await awake}");
        }
        return awake;
    }

    /// <summary>Runs one command through <c>redis-cli</c>; returns its raw output, trimmed.</summary>
    public Task<string> CommandAsync(params string[] args) => CommandAsync(TimeSpan.FromSeconds(10), args);

    private async Task<string> CommandAsync(TimeSpan timeout, params string[] args)
    {
        var result = await ExternalTool.RunAsync("redis-cli", ["-h", "127.0.0.1", "-p", Port.ToString(), .. args], timeout);
        return result.Output.Trim();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task StartProcessAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _directory, "--daemonize", "no", "--maxmemory-policy", "noeviction", "--enable-debug-command", "local"])
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        await Wait.UntilAsync(
            async () => process.HasExited ? throw new InvalidOperationException($"redis-server on port {Port} exited ({process.ExitCode})") : await PingsAsync(),
            TimeSpan.FromSeconds(15),
            $"redis on port {Port} answers PING");
        // On a restart another test may have taken the port in the meantime: make sure the server answering is this one.
        var serverInfo = await CommandAsync("INFO", "server");
        if (!serverInfo.Split('\n').Any(line => line.Trim() == $"process_id:{process.Id}"))
        {
            throw new InvalidOperationException($"port {Port} is answered by another redis-server, not {process.Id}");
        }
    }

    private async Task<bool> PingsAsync() => await CommandAsync("PING") == "PONG";

    /// <summary>Where the server's main thread waits in the kernel (<c>do_epoll_wait</c> when idle).</summary>
    private static async Task<string> ReadWaitChannelAsync(int pid)
    {
        try
        {
            return await File.ReadAllTextAsync($"/proc/{pid}/wchan");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private async Task ExpectAsync(string expected, params string[] args)
    {
        var answer = await CommandAsync(args);
        if (answer != expected)
        {
            throw new InvalidOperationException($"redis {string.Join(' ', args)} answered '{answer}'");
        }
    }
}
