using Gateway.Auth.Mtls;
using Gateway.Configuration;
using Gateway.Hosting;

namespace Gateway.Cli;

/// <summary>
/// <c>certs dev [--out DIR] [--days N] [--host NAME]... [CN ...]</c>: a development CA, a server
/// certificate for localhost (and each <c>--host</c> name or IP) signed by it, and client certificates
/// for the CNs given, in PEM. DIR defaults to <c>certs/dev</c> beside the config file, where the demo
/// config looks for them.
/// </summary>
internal static class CertsCommand
{
    private const string Usage = "usage: certs dev [--out DIR] [--days N] [--host NAME]... [CN ...]";
    private const int MaxDays = 3650;

    public static int Run(string[] args, string? configPath, TextWriter stdout, TextWriter stderr)
    {
        if (args is not ["dev", ..])
        {
            stderr.WriteLine(Usage);
            return 2;
        }

        string? directory = null;
        var days = 365;
        var commonNames = new List<string>();
        var hosts = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    directory = Path.GetFullPath(args[++i]);
                    break;
                case "--host" when i + 1 < args.Length:
                    hosts.Add(args[++i]);
                    break;
                case "--days" when i + 1 < args.Length:
                    // No certificate outlives the CA (5 years); the bound keeps the date arithmetic in range.
                    if (!int.TryParse(args[++i], System.Globalization.CultureInfo.InvariantCulture, out days) || days is < 1 or > MaxDays)
                    {
                        stderr.WriteLine($"--days needs a number from 1 to {MaxDays}");
                        return 2;
                    }
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    stderr.WriteLine(Usage);
                    return 2;
                default:
                    // The CN is also the key under Auth:Mtls:Clients: no ':' (a configuration path separator).
                    if (CliCommands.ClientNameProblem(args[i]) is not null)
                    {
                        stderr.WriteLine($"'{args[i]}' is not a usable CN: {Gateway.Auth.HeaderValue.ClientIdRule}, without ':'");
                        return 2;
                    }
                    commonNames.Add(args[i]);
                    break;
            }
        }
        directory ??= Path.Combine(Path.GetDirectoryName(ConfigFileLocator.Locate(configPath, Directory.GetCurrentDirectory()))!, DevelopmentSetup.DevDirectory);

        DevCertificateAuthority.Result result;
        try
        {
            result = DevCertificateAuthority.Create(directory, commonNames, days, hosts);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"certs dev: cannot write the certificates to {directory}: {ex.Message}");
            return 1;
        }
        stdout.WriteLine($"{(result.CaCreated ? "created" : "kept")} CA:  {result.CaCertPath} (key {DevCertificateAuthority.CaKeyFileName})");
        stdout.WriteLine($"server cert: {result.ServerCertPath} (localhost, 127.0.0.1, ::1{string.Concat(hosts.Select(h => ", " + h))})");
        foreach (var (commonName, certPath, keyPath) in result.Clients)
        {
            stdout.WriteLine($"client cert: {certPath}  key: {keyPath}  CN={commonName}");
        }
        stdout.WriteLine();
        stdout.WriteLine("Trust the CA for client certificates and allow the CNs:");
        stdout.WriteLine($"  \"Mtls\": {{ \"TrustedCaFile\": \"{result.CaCertPath}\", \"Clients\": {{ \"<CN>\": {{ \"Scopes\": [ ] }} }} }}");
        stdout.WriteLine("Development keys, never for production.");
        return 0;
    }
}
