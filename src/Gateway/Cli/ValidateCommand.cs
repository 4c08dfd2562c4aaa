using Gateway.Configuration;

namespace Gateway.Cli;

internal static class ValidateCommand
{
    public static int Run(string[] args, string? configPath, TextWriter stdout, TextWriter stderr)
    {
        WebApplicationBuilder builder;
        try
        {
            builder = GatewayApp.CreateBuilder(args, configPath);
        }
        catch (GatewayConfigException ex)
        {
            stderr.WriteLine(ex.Message);
            return 1;
        }
        var paths = (GatewayPaths)builder.Services.Single(s => s.ServiceType == typeof(GatewayPaths)).ImplementationInstance!;
        stdout.WriteLine($"config: {paths.ConfigFile}");
        stdout.Write(RouteTable.Format(builder.Configuration));
        stdout.WriteLine("config is valid");
        return 0;
    }
}
