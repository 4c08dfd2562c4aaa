namespace Gateway.Tests.Infrastructure;

/// <summary>The harness's own promises: no pipe deadlock, no hang on stdin, no tool outliving its timeout unreported.</summary>
public sealed class ExternalToolTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ToolFillingBothPipes_DoesNotDeadlock_AndBothStreamsAreKeptApart()
    {
        // 1 MiB on stderr before a byte on stdout: far beyond a pipe's buffer, so reading one stream at a time would hang.
        const string script = "import sys; sys.stderr.write('e' * 1048576); sys.stderr.flush(); sys.stdout.write('o' * 1048576)";

        var result = await ExternalTool.RunAsync("python3", ["-c", script], Generous);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new string('o', 1048576), result.StandardOutput);
        Assert.Equal(new string('e', 1048576), result.StandardError);
    }

    [Fact]
    public async Task Stdin_IsFedThenClosed_AndWithoutInputTheToolSeesEndOfFile()
    {
        var fed = await ExternalTool.RunAsync("cat", [], Generous, stdin: "line one\nline two\n");
        var none = await ExternalTool.RunAsync("cat", [], Generous);

        Assert.Equal("line one\nline two\n", fed.StandardOutput);
        Assert.Equal(0, none.ExitCode);
        Assert.Equal("", none.StandardOutput);
    }

    [Fact]
    public async Task WorkingDirectoryAndEnvironment_AreTheOnesGiven()
    {
        var directory = Directory.CreateTempSubdirectory("gw-tool-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "marker.txt"), "here\n");

            var result = await ExternalTool.RunAsync("sh", ["-c", "cat marker.txt; echo \"$GW_TOOL_TEST\"; echo \"${HOME-unset}\""], Generous,
                workingDirectory: directory, environment: new Dictionary<string, string?> { ["GW_TOOL_TEST"] = "given", ["HOME"] = null });

            Assert.Equal("here\ngiven\nunset\n", result.EnsureSuccess().StandardOutput);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ToolOutlivingItsTimeout_IsKilledWithItsChildren_AndTheFailureNamesTheCommandAndWhatItPrinted()
    {
        // The shell starts a child that would hold the pipes for two minutes, prints its pid, and waits for it.
        var failure = await Assert.ThrowsAsync<TimeoutException>(() =>
            ExternalTool.RunAsync("sh", ["-c", "sleep 120 & echo child=$!; echo on-stderr >&2; wait"], TimeSpan.FromSeconds(2)));

        Assert.Contains("sh -c 'sleep 120 & echo child=$!; echo on-stderr >&2; wait' did not finish within 2s", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--- stderr ---\non-stderr\n", failure.Message, StringComparison.Ordinal);
        var child = System.Text.RegularExpressions.Regex.Match(failure.Message, @"child=(\d+)").Groups[1].Value;
        Assert.NotEmpty(child);
        await Wait.UntilAsync(() => IsGone(int.Parse(child)), TimeSpan.FromSeconds(10), $"the tool's child {child} is killed");
    }

    [Fact]
    public async Task EnsureSuccess_OnAFailedTool_NamesTheCommandTheExitCodeAndBothStreams()
    {
        var result = await ExternalTool.RunAsync("sh", ["-c", "echo out; echo err >&2; exit 3"], Generous);

        var failure = Assert.Throws<InvalidOperationException>(() => result.EnsureSuccess());
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("sh -c 'echo out; echo err >&2; exit 3' exited 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--- stdout ---\nout\n", failure.Message, StringComparison.Ordinal);
        Assert.Contains("--- stderr ---\nerr\n", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>No such process, or a zombie nobody has reaped yet: either way it no longer runs.</summary>
    private static bool IsGone(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true;
        }
    }
}
