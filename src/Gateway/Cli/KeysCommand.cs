using Gateway.Auth.ApiKeys;

namespace Gateway.Cli;

internal static class KeysCommand
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        switch (args)
        {
            case ["new", var client]:
                if (CliCommands.ClientNameProblem(client) is { } problem)
                {
                    // The config would refuse the name, or read it as another: no key for it.
                    stderr.WriteLine($"keys new: the client name {problem} (client names are {Gateway.Auth.HeaderValue.ClientIdRule}, without ':')");
                    return 1;
                }
                var key = KeyHash.NewSecret();
                var name = System.Text.Json.JsonSerializer.Serialize(client);
                stdout.WriteLine($"client: {client}");
                stdout.WriteLine($"key:    {key}");
                stdout.WriteLine($"hash:   {KeyHash.Format(key)}");
                stdout.WriteLine();
                stdout.WriteLine("The key is shown only now: give it to the client. Paste the hash into the config:");
                stdout.WriteLine($"  Auth:ApiKey:Clients        {name}: {{ \"Keys\": [ \"{KeyHash.Format(key)}\" ], \"Scopes\": [ ] }}");
                stdout.WriteLine($"  Auth:TokenService:Clients  {name}: {{ \"Secrets\": [ \"{KeyHash.Format(key)}\" ], \"Scopes\": [ ] }}");
                return 0;
            case ["hash", var existing]:
                if (existing.Length is 0 or > ApiKeyDefaults.MaxKeyLength)
                {
                    // Never echo the key.
                    stderr.WriteLine($"keys hash: the gateway never accepts this key (keys are 1 to {ApiKeyDefaults.MaxKeyLength} characters)");
                    return 1;
                }
                stdout.WriteLine(KeyHash.Format(existing));
                return 0;
            default:
                stderr.WriteLine("usage: keys new CLIENT | keys hash KEY");
                return 2;
        }
    }
}
