using System.Globalization;
using System.Text;

namespace Bench.LoadGen;

/// <summary>Renders a suite's results as Markdown (stdout, latest.md) and as a JSON document (latest.json).</summary>
internal sealed class Report(MachineInfo machine, SuiteOptions options, IReadOnlyList<RowSummary> rows, IReadOnlyList<ComparisonResult> comparisons, ComparisonResult? rss)
{
    public object ToJson() => new
    {
        machine,
        settings = new
        {
            connections = options.Connections,
            durationSeconds = options.Duration.TotalSeconds,
            warmUpSeconds = options.WarmUp.TotalSeconds,
            primeSeconds = options.Prime.TotalSeconds,
            runs = options.Runs,
            rows = options.Rows,
            aggregation = "medians over runs for req/s, latencies and CPU/request; highest peak RSS over runs; comparison ratios (and verdicts) are medians of the per-run ratios, ratioOfMedians beside them",
        },
        rows,
        comparisons,
        rssTarget = rss,
        flagged = rows.Where(r => r.Flagged).Select(r => new { r.Id, r.Flag }),
    };

    public string ToMarkdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Gateway benchmark");
        md.AppendLine();
        Line(md, $"- Machine: {machine.Processors} CPUs ({machine.CpuModel}), {machine.MemoryGb:0.0} GB RAM, Linux {machine.Kernel}; {machine.Runtime}; {machine.NginxVersion}; gateway commit {machine.GitCommit}.");
        Line(md, $"- Date: {machine.DateUtc}; load average at start: {machine.LoadAverageAtStart}.");
        Line(md, $"- The {machine.Note}.");
        Line(md, $"- {options.Connections} connections per row, {options.Duration.TotalSeconds:0.#} s measured after {options.WarmUp.TotalSeconds:0.#} s warm-up (each row first primed, unmeasured, for at least {options.Prime.TotalSeconds:0.#} s until the proxy is steady, see bench/README.md); medians of {options.Runs} run(s) (peak RSS: highest).");
        md.AppendLine("- Proxy CPU = utime+stime of the proxy's processes (nginx: master + workers) over the measured window / requests. Peak RSS = VmHWM (nginx: summed over its processes).");
        md.AppendLine();
        md.AppendLine("| row | what | req/s | p50 ms | p99 ms | proxy CPU µs/req | proxy peak RSS MB | failed requests |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var name = row.Flagged ? $"⚠ {row.Id}" : row.Id;
            var errors = row.Flagged ? $"**{row.Errors}** (flagged)" : row.Errors.ToString(CultureInfo.InvariantCulture);
            Line(md, $"| {name} | {row.Description} | {row.RequestsPerSecond:0} | {row.P50Ms:0.000} | {row.P99Ms:0.000} | {Number(row.ProxyCpuUsPerRequest, "0.0")} | {row.ProxyPeakRssMb:0.0} | {errors} |");
        }

        if (comparisons.Count > 0 || rss is not null)
        {
            md.AppendLine();
            md.AppendLine("## Ratios and targets");
            md.AppendLine();
            md.AppendLine("Ratios are medians of the per-run ratios (run k of a row against run k of its baseline); the verdict is taken on them. The last column divides the two rows' medians from the first table instead.");
            md.AppendLine();
            md.AppendLine("| row | against | req/s ratio | CPU/req ratio | target | verdict | req/s ratio run by run | CPU/req ratio run by run | ratio of medians: req/s, CPU/req |");
            md.AppendLine("|---|---|---:|---:|---|---|---|---|---|");
            foreach (var c in comparisons)
            {
                Line(md, $"| {c.Row} | {c.Baseline} | {Number(c.RpsRatio, "0.00")}x | {Number(c.CpuRatio, "0.00")}x | {c.Target} | {c.Verdict} | {Runs(c.RpsRatioPerRun)} | {Runs(c.CpuRatioPerRun)} | {Number(c.RpsRatioOfMedians, "0.00")}x, {Number(c.CpuRatioOfMedians, "0.00")}x |");
            }
            if (rss is not null)
            {
                Line(md, $"| {rss.Row} | - | - | - | {rss.Target} | {rss.Verdict} | | | |");
            }
        }

        var flagged = rows.Where(r => r.Flagged).ToList();
        if (flagged.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Flagged rows (not measurements)");
            md.AppendLine();
            foreach (var row in flagged)
            {
                Line(md, $"- **{row.Id}**: {row.Flag}");
            }
        }
        return md.ToString();
    }

    private static string Runs(IReadOnlyList<double> ratios) =>
        string.Join(" ", ratios.Select(r => r.ToString("0.00", CultureInfo.InvariantCulture)));

    private static string Number(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static void Line(StringBuilder md, FormattableString text) => md.AppendLine(FormattableString.Invariant(text));
}
