using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Bench.LoadGen;

/// <summary>
/// The <c>suite</c> verb: preflight every row, then N runs of every row (interleaved, so a noisy
/// minute hurts all rows alike), medians, ratios, targets; Markdown on stdout, JSON + Markdown in
/// the output directory. Exit code 3 when any row is flagged (errors, failed preflight, proxy gone).
/// </summary>
internal static class Suite
{
    public static async Task<int> RunAsync(SuiteOptions options, CancellationToken cancellationToken)
    {
        var env = BenchEnvironment.Load(options.EnvFile);
        var machine = MachineInfo.Collect(env);
        using var serverCertificate = X509CertificateLoader.LoadCertificateFromFile(env.ServerCertFile);
        var serverHash = serverCertificate.GetCertHashString(HashAlgorithmName.SHA256);
        using var clientCertificate = X509Certificate2.CreateFromPemFile(env.ClientCertFile, env.ClientKeyFile);
        var token = File.Exists(env.TokenFile) ? (await File.ReadAllTextAsync(env.TokenFile, cancellationToken)).Trim() : null;

        var targets = options.Rows.Select(id => new LoadTarget(Rows.Find(id), env, clientCertificate, serverHash, token)).ToList();
        var preflight = new Dictionary<string, (int Status, string Body)>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            // Up to three tries a second apart, each freshly signed: e.g. the Hmac store refuses
            // requests signed in the second its epoch was set (a fresh Redis at gateway start).
            for (var attempt = 1; attempt <= 3; attempt++)
            {
                try
                {
                    preflight[target.Row.Id] = await RowRunner.PreflightAsync(target, cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    preflight[target.Row.Id] = (0, $"{ex.GetType().Name}: {ex.Message}");
                }
                var (tried, detail) = preflight[target.Row.Id];
                if (tried is >= 200 and < 300 || attempt == 3)
                {
                    break;
                }
                await Console.Error.WriteLineAsync($"preflight {target.Row.Id,-16} attempt {attempt}: {tried} {detail.ReplaceLineEndings(" ")}; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1.1), cancellationToken);
            }
            var (status, body) = preflight[target.Row.Id];
            await Console.Error.WriteLineAsync(status is >= 200 and < 300
                ? $"preflight {target.Row.Id,-16} {status}"
                : $"preflight {target.Row.Id,-16} {status} NOT 2xx: {body.ReplaceLineEndings(" ")}");
        }

        if (options.Prime > TimeSpan.Zero)
        {
            foreach (var target in targets)
            {
                await PrimeAsync(target, env, options, cancellationToken);
            }
        }

        var runs = targets.ToDictionary(t => t.Row.Id, _ => new List<RunResult>(), StringComparer.Ordinal);
        var proxyGone = new HashSet<string>(StringComparer.Ordinal);
        for (var run = 1; run <= options.Runs; run++)
        {
            foreach (var target in targets)
            {
                var proxy = ProcessStats.Of(env.PidOf(target.Row.Proxy));
                if (!proxy.IsAlive())
                {
                    proxyGone.Add(target.Row.Id);
                    await Console.Error.WriteLineAsync($"run {run}/{options.Runs} {target.Row.Id,-16} skipped: the {target.Row.Proxy} process is gone");
                    continue;
                }
                env.TruncateRequestLogs();
                var result = await RowRunner.RunAsync(target, proxy, env.ClockTicksPerSecond, options, cancellationToken);
                runs[target.Row.Id].Add(result);
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}/{options.Runs} {target.Row.Id,-16} {result.RequestsPerSecond,9:0} req/s  p50 {result.P50Ms,7:0.000} ms  p99 {result.P99Ms,7:0.000} ms  cpu {result.ProxyCpuUsPerRequest,7:0.0} us/req  rss {result.ProxyPeakRssMb,6:0.0} MB  errors {result.ErrorCount}{(result.ProxyJitCpuMs > 50 ? $"  (JIT still compiling: {result.ProxyJitCpuMs:0} ms)" : "")}"));
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        var summaries = targets.Select(t => Summarize(t.Row, preflight[t.Row.Id], runs[t.Row.Id], proxyGone.Contains(t.Row.Id))).ToList();
        var comparisons = Compare(summaries, options.Runs);
        var rss = RssTarget(summaries, options.Runs);
        var report = new Report(machine, options, summaries, comparisons, rss);

        Directory.CreateDirectory(options.OutDirectory);
        var markdown = report.ToMarkdown();
        await File.WriteAllTextAsync(Path.Combine(options.OutDirectory, "latest.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(options.OutDirectory, "latest.json"), JsonSerializer.Serialize(report.ToJson(), Json.Options), cancellationToken);
        Console.Out.Write(markdown);

        var flagged = summaries.Where(s => s.Flagged).ToList();
        foreach (var row in flagged)
        {
            await Console.Error.WriteLineAsync($"FLAGGED {row.Id}: {row.Flag}");
        }
        return flagged.Count > 0 ? 3 : 0;
    }

    /// <summary>
    /// Unmeasured load on one row, in 2 s windows, for at least <see cref="SuiteOptions.Prime"/>
    /// and at most 60 s, until the proxy is steady: for the gateway, its tiered-compilation thread
    /// used no more than 20 ms in the last window (the runtime keeps compiling hot code in the
    /// background for many seconds on a busy 2-core machine, and measuring before that ends charges
    /// the compiler to the row); for nginx, two consecutive windows' CPU per request within 15%.
    /// </summary>
    private static async Task PrimeAsync(LoadTarget target, BenchEnvironment env, SuiteOptions options, CancellationToken cancellationToken)
    {
        var proxy = ProcessStats.Of(env.PidOf(target.Row.Proxy));
        if (!proxy.IsAlive())
        {
            return;
        }
        var window = TimeSpan.FromSeconds(Math.Min(2, options.Prime.TotalSeconds));
        var maximum = TimeSpan.FromSeconds(Math.Max(60, options.Prime.TotalSeconds));
        var windowOptions = options with { WarmUp = TimeSpan.Zero, Duration = window };
        var elapsed = TimeSpan.Zero;
        double? previous = null;
        while (true)
        {
            env.TruncateRequestLogs();
            var result = await RowRunner.RunAsync(target, proxy, env.ClockTicksPerSecond, windowOptions, cancellationToken);
            elapsed += window;
            var current = result.ProxyCpuUsPerRequest;
            var settled = result.ProxyJitCpuMs is { } jit
                ? jit <= 20
                : previous is { } p && current is { } c && Math.Abs(c - p) <= 0.15 * p;
            if (elapsed >= options.Prime && settled)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"primed {target.Row.Id,-16} {elapsed.TotalSeconds,4:0} s, steady at {current,7:0.0} us CPU/req (JIT in last window: {(result.ProxyJitCpuMs is { } ms ? ms.ToString("0 'ms'", CultureInfo.InvariantCulture) : "n/a")})"));
                return;
            }
            if (elapsed >= maximum)
            {
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"primed {target.Row.Id,-16} {elapsed.TotalSeconds,4:0} s, NOT steady (CPU/req {previous:0.0} -> {current:0.0} us, JIT {result.ProxyJitCpuMs:0} ms in the last window); the machine may be busy"));
                return;
            }
            previous = current;
        }
    }

    private static RowSummary Summarize(RowSpec row, (int Status, string Body) preflight, List<RunResult> runs, bool proxyGone)
    {
        var errors = runs.Sum(r => r.ErrorCount);
        var flags = new List<string>();
        if (preflight.Status is < 200 or > 299)
        {
            flags.Add(preflight.Status == 0
                ? $"preflight request failed ({preflight.Body})"
                : $"preflight answered {preflight.Status}: {preflight.Body.ReplaceLineEndings(" ")}");
        }
        if (errors > 0)
        {
            var byStatus = runs.SelectMany(r => r.Non2xx).GroupBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}x{g.Sum(kv => kv.Value)}"));
            var io = runs.Sum(r => r.IoErrors);
            var parts = byStatus.ToList();
            if (io > 0)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"{io} connection errors, first: {runs.Select(r => r.FirstError).FirstOrDefault(e => e is not null)}"));
            }
            flags.Add($"{errors} failed requests in the measured windows ({string.Join(", ", parts)}); its numbers are not a measurement of the strategy");
        }
        if (proxyGone)
        {
            flags.Add("the proxy process was gone");
        }
        if (runs.Count == 0 || runs.Any(r => r.Requests == 0))
        {
            flags.Add("no completed requests in a run");
        }

        return new RowSummary(
            row.Id,
            row.Description,
            row.Proxy.ToString(),
            preflight.Status,
            preflight.Body,
            Median(runs.Select(r => r.RequestsPerSecond)),
            Median(runs.Select(r => r.P50Ms)),
            Median(runs.Select(r => r.P99Ms)),
            runs.All(r => r.ProxyCpuUsPerRequest is not null) && runs.Count > 0 ? Median(runs.Select(r => r.ProxyCpuUsPerRequest!.Value)) : null,
            runs.Count == 0 ? double.NaN : runs.Max(r => r.ProxyPeakRssMb),
            errors,
            flags.Count == 0 ? null : string.Join("; ", flags),
            runs);
    }

    private static List<ComparisonResult> Compare(List<RowSummary> summaries, int runCount)
    {
        var byId = summaries.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var results = new List<ComparisonResult>();
        foreach (var comparison in Rows.Comparisons)
        {
            if (!byId.TryGetValue(comparison.Row, out var row) || !byId.TryGetValue(comparison.Baseline, out var baseline))
            {
                continue;
            }
            // Run k of the row against run k of its baseline: both measured in the same pass over the
            // rows, minutes apart, so a machine that is slower in one pass slows both. The verdict is
            // the median of these paired ratios; the ratio of the two rows' own medians can pair a
            // fast pass of one row with a slow pass of the other, and is shown beside it.
            var pairs = row.Runs.Zip(baseline.Runs).ToList();
            var rpsPerRun = pairs
                .Where(p => p.Second.RequestsPerSecond > 0)
                .Select(p => p.First.RequestsPerSecond / p.Second.RequestsPerSecond)
                .ToList();
            var cpuPerRun = pairs
                .Where(p => p.First.ProxyCpuUsPerRequest is not null && p.Second.ProxyCpuUsPerRequest is > 0)
                .Select(p => p.First.ProxyCpuUsPerRequest!.Value / p.Second.ProxyCpuUsPerRequest!.Value)
                .ToList();
            double? rpsRatio = rpsPerRun.Count > 0 ? Median(rpsPerRun) : null;
            double? cpuRatio = cpuPerRun.Count > 0 ? Median(cpuPerRun) : null;
            double? rpsOfMedians = baseline.RequestsPerSecond > 0 ? row.RequestsPerSecond / baseline.RequestsPerSecond : null;
            double? cpuOfMedians = row.ProxyCpuUsPerRequest is { } c && baseline.ProxyCpuUsPerRequest is { } b && b > 0 ? c / b : null;
            var targets = new List<string>();
            if (comparison.MinRpsRatio is { } minRps)
            {
                targets.Add(string.Create(CultureInfo.InvariantCulture, $"req/s >= {minRps:0.00}x"));
            }
            if (comparison.MaxCpuRatio is { } maxCpu)
            {
                targets.Add(string.Create(CultureInfo.InvariantCulture, $"CPU/req <= {maxCpu:0.00}x"));
            }

            string verdict;
            if (row.Flagged || baseline.Flagged)
            {
                verdict = $"n/a: {(row.Flagged ? row.Id : baseline.Id)} flagged";
            }
            else if (targets.Count == 0)
            {
                verdict = "info";
            }
            else
            {
                var pass = (comparison.MinRpsRatio is not { } min || rpsRatio >= min)
                    && (comparison.MaxCpuRatio is not { } max || cpuRatio <= max);
                verdict = (pass ? "PASS" : "FAIL") + (runCount < 3 ? " (indicative: fewer than 3 runs)" : "");
            }
            results.Add(new ComparisonResult(row.Id, baseline.Id, rpsRatio, cpuRatio, rpsPerRun, cpuPerRun, rpsOfMedians, cpuOfMedians, targets.Count == 0 ? "-" : string.Join(", ", targets), verdict));
        }
        return results;
    }

    private static ComparisonResult? RssTarget(List<RowSummary> summaries, int runCount)
    {
        var gateway = summaries.Where(s => s.Proxy == nameof(ProxyKind.Gateway) && s.Runs.Count > 0).ToList();
        if (gateway.Count == 0)
        {
            return null;
        }
        var peak = gateway.MaxBy(s => s.ProxyPeakRssMb)!;
        var verdict = (peak.ProxyPeakRssMb <= Rows.GatewayMaxPeakRssMb ? "PASS" : "FAIL") + (runCount < 3 ? " (indicative: fewer than 3 runs)" : "");
        return new ComparisonResult(peak.Id, "-", null, null, [], [], null, null,
            string.Create(CultureInfo.InvariantCulture, $"gateway peak RSS <= {Rows.GatewayMaxPeakRssMb:0} MB (highest: {peak.ProxyPeakRssMb:0.0} MB on {peak.Id})"), verdict);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
