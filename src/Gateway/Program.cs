using Gateway;
using Gateway.Cli;
using Gateway.Configuration;

var (configPath, rest) = ExtractConfig(args);
if (configPath is "")
{
    Console.Error.WriteLine("--config needs a file path");
    return 2;
}
if (CliCommands.IsVerb(rest))
{
    return CliCommands.Run(rest, configPath, Console.Out, Console.Error);
}
if (CliCommands.IsUnknownVerb(rest))
{
    Console.Error.WriteLine($"unknown command '{rest[0]}'");
    CliCommands.Usage(Console.Error);
    return 2;
}

try
{
    Gateway.Hosting.SocketScheduling.Apply();
    var app = GatewayApp.Build(rest, configPath);
    await app.RunAsync();
    return 0;
}
catch (GatewayConfigException ex)
{
    Console.Error.WriteLine($"Gateway did not start: {ex.Message}");
    return 1;
}
catch (Exception ex) when (GatewayConfigException.IsStartupConfigFailure(ex))
{
    // Kestrel and YARP report bad endpoints, certificates and routes this way at start.
    Console.Error.WriteLine($"Gateway did not start: {ex.Message}");
    return 1;
}

static (string? ConfigPath, string[] Remaining) ExtractConfig(string[] args)
{
    string? configPath = null;
    var rest = new List<string>(args.Length);
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i] == "--config")
        {
            configPath = i + 1 < args.Length ? args[++i] : "";
        }
        else if (args[i].StartsWith("--config=", StringComparison.Ordinal))
        {
            configPath = args[i]["--config=".Length..];
        }
        else
        {
            rest.Add(args[i]);
        }
    }
    return (configPath, rest.ToArray());
}

/// <summary>Entry point, visible to tests that start the gateway in-process.</summary>
public partial class Program;
