using Gateway.Configuration;

namespace Gateway.Cli;

internal static class ValidateCommand
{
    /// <summary>Builds the gateway as serving would, checks its whole config, and prints the route table; never starts it.</summary>
    public static int Run(string[] args, string? configPath, TextWriter stdout, TextWriter stderr)
    {
        WebApplication app;
        GatewayPaths paths;
        try
        {
            app = GatewayApp.BuildValidated(args, configPath, out paths);
        }
        catch (GatewayConfigException ex)
        {
            stderr.WriteLine(ex.Message);
            return 1;
        }
        catch (Exception ex) when (GatewayConfigException.IsStartupConfigFailure(ex))
        {
            // What building the app throws for config its checks do not cover, as serving reports it (Program).
            stderr.WriteLine($"invalid configuration: {ex.Message}");
            return 1;
        }
        using (app)
        {
            stdout.WriteLine($"config: {paths.ConfigFile}");
            stdout.Write(RouteTable.Format(app.Configuration));
            stdout.WriteLine("config is valid");
            return 0;
        }
    }
}
