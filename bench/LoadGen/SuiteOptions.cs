using System.Globalization;

namespace Bench.LoadGen;

/// <summary>Options of the <c>suite</c> verb.</summary>
internal sealed record SuiteOptions(
    string EnvFile,
    IReadOnlyList<string> Rows,
    TimeSpan Duration,
    TimeSpan WarmUp,
    TimeSpan Prime,
    int Connections,
    int Runs,
    string OutDirectory)
{
    public const string Usage =
        "LoadGen suite --env FILE [--rows a,b,...] [--duration 10] [--warmup 3] [--prime 4] [--connections 16] [--runs 3] [--out DIR]";

    public static SuiteOptions Parse(IReadOnlyList<string> args)
    {
        string? env = null;
        IReadOnlyList<string> rows = Bench.LoadGen.Rows.Default;
        double duration = 10, warmUp = 3, prime = 4;
        int connections = 16, runs = 3;
        var outDirectory = "results";
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--env": env = value; break;
                case "--rows": rows = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--duration": duration = Positive(args[i], value); break;
                case "--warmup": warmUp = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--prime": prime = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--connections": connections = (int)Positive(args[i], value); break;
                case "--runs": runs = (int)Positive(args[i], value); break;
                case "--out": outDirectory = value; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
            i++;
        }
        if (env is null)
        {
            throw new ArgumentException("--env is required");
        }
        foreach (var row in rows)
        {
            Bench.LoadGen.Rows.Find(row);
        }
        return new SuiteOptions(env, rows, TimeSpan.FromSeconds(duration), TimeSpan.FromSeconds(warmUp), TimeSpan.FromSeconds(prime), connections, runs, outDirectory);
    }

    private static double Positive(string name, string value)
    {
        var number = double.Parse(value, CultureInfo.InvariantCulture);
        return number > 0 ? number : throw new ArgumentException($"{name} must be positive");
    }
}
