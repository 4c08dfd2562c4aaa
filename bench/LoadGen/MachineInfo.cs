using System.Globalization;
using System.Runtime.InteropServices;

namespace Bench.LoadGen;

/// <summary>The machine a result ran on, so numbers never travel without it.</summary>
internal sealed record MachineInfo(
    int Processors,
    string CpuModel,
    double MemoryGb,
    string Kernel,
    string Runtime,
    string NginxVersion,
    string GitCommit,
    string DateUtc,
    string LoadAverageAtStart,
    string Note)
{
    public static MachineInfo Collect(BenchEnvironment env) => new(
        Environment.ProcessorCount,
        ReadCpuModel(),
        Math.Round(ReadMemTotalKb() / 1024.0 / 1024.0, 1),
        Read("/proc/sys/kernel/osrelease"),
        RuntimeInformation.FrameworkDescription,
        env.NginxVersion,
        env.GitCommit,
        DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
        string.Join(' ', Read("/proc/loadavg").Split(' ').Take(3)),
        "load generator, backend, Redis and the proxies all run on this same machine over loopback");

    private static string ReadCpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";

    private static long ReadMemTotalKb()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
    }

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path).Trim() : "unknown";
}
