using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Bench.LoadGen;

/// <summary>
/// Runs one row: a fixed number of connection loops for warm-up plus the measured window, counting
/// only requests that complete inside the window, and the proxy's CPU ticks across exactly that window.
/// </summary>
internal static class RowRunner
{
    /// <summary>One request through the row's own path, returning status and a short body for diagnosis.</summary>
    public static async Task<(int Status, string Body)> PreflightAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var connection = await HttpConnection.OpenAsync(target.EndPoint, target.NewTlsOptions(), timeout.Token);
        var (status, body) = await connection.SendCapturingAsync(target.NewRequestWriter().Next(), timeout.Token);
        var text = Encoding.UTF8.GetString(body);
        return (status, text.Length > 300 ? text[..300] + "..." : text);
    }

    public static async Task<RunResult> RunAsync(LoadTarget target, ProcessStats proxy, int clockTicksPerSecond, SuiteOptions options, CancellationToken cancellationToken)
    {
        var phase = new PhaseBox();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stats = new WorkerStats[options.Connections];
        var workers = new Task[options.Connections];
        proxy.ResetPeakRss();
        for (var i = 0; i < workers.Length; i++)
        {
            stats[i] = new WorkerStats();
            var worker = stats[i];
            workers[i] = Task.Run(() => WorkerAsync(target, phase, worker, stop.Token), CancellationToken.None);
        }

        await Task.Delay(options.WarmUp, cancellationToken);
        var self = Process.GetCurrentProcess();
        var selfCpuStart = self.TotalProcessorTime;
        var cpuStart = proxy.CpuTicks();
        var jitStart = proxy.CompilerTicks();
        var clock = Stopwatch.StartNew();
        phase.Value = RunPhase.Measuring;

        await Task.Delay(options.Duration, cancellationToken);
        phase.Value = RunPhase.Done;
        var seconds = clock.Elapsed.TotalSeconds;
        var cpuEnd = proxy.CpuTicks();
        var jitEnd = proxy.CompilerTicks();
        self.Refresh();
        var selfCpu = self.TotalProcessorTime - selfCpuStart;

        stop.CancelAfter(TimeSpan.FromSeconds(5));
        await Task.WhenAll(workers);
        var peakRss = proxy.PeakRssMb();

        var latencies = stats.SelectMany(s => s.LatencyTicks).ToArray();
        Array.Sort(latencies);
        var requests = latencies.LongLength;
        var non2xx = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (status, count) in stats.SelectMany(s => s.Non2xx))
        {
            var key = status.ToString(CultureInfo.InvariantCulture);
            non2xx[key] = non2xx.GetValueOrDefault(key) + count;
        }
        return new RunResult(
            Requests: requests,
            Seconds: seconds,
            RequestsPerSecond: requests / seconds,
            P50Ms: Percentile(latencies, 0.50),
            P99Ms: Percentile(latencies, 0.99),
            MaxMs: Percentile(latencies, 1.0),
            ProxyCpuUsPerRequest: requests == 0 ? null : (cpuEnd - cpuStart) * 1_000_000.0 / clockTicksPerSecond / requests,
            ProxyPeakRssMb: peakRss,
            ProxyProcesses: proxy.ProcessCount,
            LoadGenCpuUsPerRequest: requests == 0 ? 0 : selfCpu.TotalMicroseconds / requests,
            ProxyJitCpuMs: jitEnd is { } end ? Math.Max(0, end - (jitStart ?? 0)) * 1000.0 / clockTicksPerSecond : null,
            Non2xx: non2xx,
            IoErrors: stats.Sum(s => s.IoErrors),
            FirstError: stats.Select(s => s.FirstError).FirstOrDefault(e => e is not null));
    }

    private static async Task WorkerAsync(LoadTarget target, PhaseBox phase, WorkerStats stats, CancellationToken cancellationToken)
    {
        var writer = target.NewRequestWriter();
        var newConnectionEachTime = target.Row.NewConnectionPerRequest;
        HttpConnection? connection = null;
        try
        {
            while (phase.Value != RunPhase.Done && !cancellationToken.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    if (connection is null)
                    {
                        connection = await HttpConnection.OpenAsync(target.EndPoint, target.NewTlsOptions(), cancellationToken);
                        if (!newConnectionEachTime)
                        {
                            started = Stopwatch.GetTimestamp();
                        }
                    }
                    var status = await connection.SendAsync(writer.Next(), cancellationToken);
                    var elapsed = Stopwatch.GetTimestamp() - started;
                    if (phase.Value == RunPhase.Measuring)
                    {
                        stats.LatencyTicks.Add(elapsed);
                        if (status is < 200 or > 299)
                        {
                            stats.Non2xx[status] = stats.Non2xx.GetValueOrDefault(status) + 1;
                        }
                    }
                    if (newConnectionEachTime || !connection.CanReuse)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    if (phase.Value == RunPhase.Measuring)
                    {
                        stats.IoErrors++;
                        stats.FirstError ??= $"{ex.GetType().Name}: {ex.Message}";
                    }
                    if (connection is not null)
                    {
                        await connection.DisposeAsync();
                        connection = null;
                    }
                    await Task.Delay(10, CancellationToken.None);
                }
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static double Percentile(long[] sorted, double fraction)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var index = (int)Math.Ceiling(fraction * sorted.Length) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Length - 1)] * 1000.0 / Stopwatch.Frequency;
    }

    private sealed class PhaseBox
    {
        private int _value;

        public RunPhase Value
        {
            get => (RunPhase)Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, (int)value);
        }
    }
}
