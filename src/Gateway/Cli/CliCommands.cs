namespace Gateway.Cli;

/// <summary>The verbs the <c>Gateway</c> program takes besides serving.</summary>
internal static class CliCommands
{
    public static bool IsVerb(string[] args) => args.Length > 0 && args[0] is "validate" or "keys" or "certs" or "demo-backend" or "help" or "--help" or "-h";

    /// <summary>
    /// A first argument that is neither a verb nor configuration (<c>--key value</c>, <c>/key value</c>,
    /// <c>key=value</c>): a mistyped verb, which would otherwise start the gateway serving.
    /// </summary>
    public static bool IsUnknownVerb(string[] args) =>
        args.Length > 0 && !IsVerb(args) && args[0] is not "" && args[0][0] is not ('-' or '/') && !args[0].Contains('=', StringComparison.Ordinal);

    /// <summary>
    /// Why <paramref name="name"/> cannot name a client the verbs print config lines for, or null: it must
    /// be forwardable as <c>X-Client-Id</c>/<c>X-Client-CN</c>, and be a key under <c>Clients</c>, where
    /// configuration reads <c>:</c> as a path separator ("team:billing" would be client "team").
    /// </summary>
    public static string? ClientNameProblem(string name) =>
        Gateway.Auth.HeaderValue.ClientIdProblem(name)
        ?? (name.Contains(':', StringComparison.Ordinal) ? "contains ':', which configuration reads as a path separator" : null);

    public static int Run(string[] args, string? configPath, TextWriter stdout, TextWriter stderr) => args[0] switch
    {
        "validate" => ValidateCommand.Run(args[1..], configPath, stdout, stderr),
        "keys" => KeysCommand.Run(args[1..], stdout, stderr),
        "certs" => CertsCommand.Run(args[1..], configPath, stdout, stderr),
        "demo-backend" => DemoBackendCommand.Run(args[1..], stdout),
        _ => Usage(stdout),
    };

    public static int Usage(TextWriter output)
    {
        output.WriteLine("""
            Usage: Gateway [--config FILE] [VERB]

              (no verb)            serve
              validate             check the config and print the route table; exit 1 on errors
              keys new CLIENT      make a new random API key or token-service client secret; prints it once, with the sha256: line to paste
              keys hash KEY        print the sha256: line for an existing key or secret
              certs dev [--out DIR] [--days N] [--host NAME]... [CN ...]
                                   write a development CA, a server cert for localhost (and each --host)
                                   and client certs for the CNs, in PEM (default DIR: certs/dev)
              demo-backend [URL]   run the demo echo backend alone (default http://0.0.0.0:8080)
            """);
        return 0;
    }
}
