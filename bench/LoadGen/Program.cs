using Bench.LoadGen;

// LoadGen: the benchmark's one load generator (see bench/README.md).
//   LoadGen suite --env FILE [--rows a,b] [--duration S] [--warmup S] [--connections N] [--runs N] [--out DIR]
//   LoadGen prepare-oauth2 --out DIR --issuer ISS --audience AUD [--client-id ID] [--scope SCOPE]
//   LoadGen rows
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    switch (args.FirstOrDefault())
    {
        case "suite":
            return await Suite.RunAsync(SuiteOptions.Parse(args[1..]), cancel.Token);
        case "prepare-oauth2":
            return TokenMaker.Run(args[1..]);
        case "rows":
            foreach (var row in Rows.All)
            {
                Console.WriteLine($"{row.Id,-16} {row.Description}{(Rows.Default.Contains(row.Id) ? "" : "  (not in the default set)")}");
            }
            return 0;
        default:
            Console.Error.WriteLine($"usage:\n  {SuiteOptions.Usage}\n  {TokenMaker.Usage}\n  LoadGen rows");
            return 2;
    }
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
