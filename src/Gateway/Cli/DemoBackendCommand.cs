using System.Runtime.InteropServices;
using Gateway.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Cli;

/// <summary><c>demo-backend [URL]</c>: the demo's echo backend on its own, the sample backend in docker-compose.</summary>
internal static class DemoBackendCommand
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var url = args.Length > 0 ? args[0] : "http://0.0.0.0:8080";
        var stopped = new TaskCompletionSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => stopped.TrySetResult());
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stopped.TrySetResult();
        });

        var backend = new DemoEchoBackend(url, NullLogger<DemoEchoBackend>.Instance);
        backend.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        stdout.WriteLine($"demo echo backend listening on {url}");
        stopped.Task.GetAwaiter().GetResult();
        backend.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        backend.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return 0;
    }
}
