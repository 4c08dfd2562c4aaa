using System.Globalization;

namespace Bench.LoadGen;

/// <summary>
/// CPU time and peak RSS of a proxy from /proc: the process and its children (nginx's master and
/// workers; the gateway is one process). CPU is utime+stime in clock ticks; peak RSS is VmHWM,
/// reset before each row through <c>/proc/PID/clear_refs</c> so every row reports its own peak.
/// </summary>
internal sealed class ProcessStats
{
    private readonly int[] _pids;

    private ProcessStats(int[] pids)
    {
        _pids = pids;
    }

    public int ProcessCount => _pids.Length;

    public static ProcessStats Of(int pid)
    {
        var pids = new List<int> { pid };
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate)
                && candidate != pid && ParentOf(candidate) == pid)
            {
                pids.Add(candidate);
            }
        }
        return new ProcessStats([.. pids]);
    }

    public bool IsAlive() => _pids.All(p => File.Exists($"/proc/{p}/stat"));

    /// <summary>Sum of utime+stime, in clock ticks, over the processes.</summary>
    public long CpuTicks()
    {
        long total = 0;
        foreach (var pid in _pids)
        {
            var fields = StatFields(pid);
            if (fields is not null)
            {
                total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    /// <summary>
    /// CPU ticks of .NET's tiered-compilation worker threads (named ".NET Tiered Com" in
    /// /proc/PID/task/TID/comm; 0 while none exists, it ends when idle), or null when the
    /// processes are not .NET (nginx). Growth means the runtime is still compiling hot code in
    /// the background. A worker that ends inside a window takes its ticks with it (undercount).
    /// </summary>
    public long? CompilerTicks()
    {
        long? total = null;
        foreach (var pid in _pids)
        {
            string[] tasks;
            try
            {
                tasks = Directory.GetDirectories($"/proc/{pid}/task");
            }
            catch (IOException)
            {
                continue;
            }
            foreach (var task in tasks)
            {
                try
                {
                    var comm = File.ReadAllText(Path.Combine(task, "comm"));
                    if (comm.StartsWith(".NET ", StringComparison.Ordinal))
                    {
                        total ??= 0;
                    }
                    if (!comm.StartsWith(".NET Tiered", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    total = (total ?? 0) + long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // The thread ended between listing and reading.
                }
            }
        }
        return total;
    }

    /// <summary>Resets the peak-RSS mark of every process; false where the kernel refused.</summary>
    public bool ResetPeakRss()
    {
        var all = true;
        foreach (var pid in _pids)
        {
            try
            {
                File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                all = false;
            }
        }
        return all;
    }

    /// <summary>Sum of VmHWM over the processes, in MB (shared pages count once per process).</summary>
    public double PeakRssMb()
    {
        long kilobytes = 0;
        foreach (var pid in _pids)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        kilobytes += long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // The process went away; it no longer holds memory.
            }
        }
        return kilobytes / 1024.0;
    }

    private static int ParentOf(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? -1 : int.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    /// <summary>The fields of /proc/PID/stat after the command name: [0] is state (field 3), [11] utime (field 14).</summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }
}
