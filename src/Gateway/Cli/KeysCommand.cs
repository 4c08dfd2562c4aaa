using Gateway.Auth.ApiKeys;

namespace Gateway.Cli;

internal static class KeysCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        switch (args)
        {
            case ["new", var client]:
                var key = KeyHash.NewSecret();
                stdout.WriteLine($"client: {client}");
                stdout.WriteLine($"key:    {key}");
                stdout.WriteLine($"hash:   {KeyHash.Format(key)}");
                stdout.WriteLine();
                stdout.WriteLine("The key is shown only now: give it to the client. Paste the hash into the config:");
                stdout.WriteLine($"  Auth:ApiKey:Clients        \"{client}\": {{ \"Keys\": [ \"{KeyHash.Format(key)}\" ], \"Scopes\": [ ] }}");
                stdout.WriteLine($"  Auth:TokenService:Clients  \"{client}\": {{ \"Secrets\": [ \"{KeyHash.Format(key)}\" ], \"Scopes\": [ ] }}");
                return 0;
            case ["hash", var existing]:
                stdout.WriteLine(KeyHash.Format(existing));
                return 0;
            default:
                stderr.WriteLine("usage: keys new CLIENT | keys hash KEY");
                return 2;
        }
    }
}
