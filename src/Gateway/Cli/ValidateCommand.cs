using Gateway.Configuration;

namespace Gateway.Cli;

internal static class ValidateCommand
{
    public static int Run(string[] args, string? configPath, TextWriter stdout, TextWriter stderr)
    {
        WebApplicationBuilder builder;
        GatewayPaths paths;
        try
        {
            builder = GatewayApp.CreateBuilder(args, configPath, out paths);
        }
        catch (GatewayConfigException ex)
        {
            stderr.WriteLine(ex.Message);
            return 1;
        }
        stdout.WriteLine($"config: {paths.ConfigFile}");
        stdout.Write(RouteTable.Format(builder.Configuration));
        stdout.WriteLine("config is valid");
        return 0;
    }
}
