namespace Gateway.Tests.Infrastructure;

/// <summary>What a finished <see cref="ExternalTool"/> run left behind.</summary>
public sealed record ExternalToolResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>stdout then stderr, for assertions that do not care which stream a line came on.</summary>
    public string Output => StandardOutput + StandardError;

    /// <summary>Returns this result when the tool exited 0; otherwise fails, naming the command and what it printed.</summary>
    public ExternalToolResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new InvalidOperationException(Describe($"{Command} exited {ExitCode}", StandardOutput, StandardError));

    internal static string Describe(string headline, string standardOutput, string standardError) =>
        $"{headline}\n--- stdout ---\n{standardOutput}\n--- stderr ---\n{standardError}";
}
