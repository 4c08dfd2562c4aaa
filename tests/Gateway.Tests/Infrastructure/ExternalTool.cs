using System.Diagnostics;
using System.Text;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// Runs a command-line tool (curl, openssl, python3, redis-cli, the gateway's own verbs) to completion.
/// Both output streams are drained concurrently, so a tool that fills one pipe while the test reads the
/// other cannot deadlock; stdin is always redirected and closed, so a tool cannot wait for a terminal;
/// and a tool that outlives <c>timeout</c> is killed with its children and reported with what it printed.
/// </summary>
public static class ExternalTool
{
    /// <param name="environment">Variables to set for the tool; a null value removes the variable.</param>
    public static async Task<ExternalToolResult> RunAsync(
        string fileName,
        IEnumerable<string> args,
        TimeSpan timeout,
        string? stdin = null,
        string? workingDirectory = null,
        IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(args);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
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
        var command = Format(fileName, info.ArgumentList);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {command}");
        var standardOutput = new StringBuilder();
        var standardError = new StringBuilder();
        var draining = Task.WhenAll(
            DrainAsync(process.StandardOutput, standardOutput),
            DrainAsync(process.StandardError, standardError),
            FeedAsync(process.StandardInput, stdin));
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            // A child the tool left behind may still hold the pipes open: that counts against the timeout too.
            await draining.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException(ExternalToolResult.Describe(
                $"{command} did not finish within {timeout.TotalSeconds:0.#}s and was killed",
                Snapshot(standardOutput),
                Snapshot(standardError)));
        }
        return new ExternalToolResult(command, process.ExitCode, Snapshot(standardOutput), Snapshot(standardError));
    }

    private static async Task DrainAsync(StreamReader reader, StringBuilder sink)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (sink)
            {
                sink.Append(buffer, 0, read);
            }
        }
    }

    private static async Task FeedAsync(StreamWriter writer, string? stdin)
    {
        try
        {
            if (stdin is not null)
            {
                await writer.WriteAsync(stdin);
            }
            writer.Close();
        }
        catch (IOException)
        {
            // The tool exited without reading all its input; its exit code and output say why.
        }
    }

    private static string Snapshot(StringBuilder sink)
    {
        lock (sink)
        {
            return sink.ToString();
        }
    }

    private static string Format(string fileName, IEnumerable<string> args) =>
        string.Join(' ', args.Prepend(fileName).Select(arg => arg.Length > 0 && !arg.Any(char.IsWhiteSpace) && !arg.Contains('\'') ? arg : $"'{arg.Replace("'", "'\\''")}'"));
}
