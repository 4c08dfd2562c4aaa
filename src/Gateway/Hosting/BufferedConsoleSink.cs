using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace Gateway.Hosting;

/// <summary>
/// Writes log events to standard output through a buffer flushed every 200 ms (and at once for
/// warnings and errors, and at shutdown), instead of one write system call per request line as the
/// stock console sink does.
/// </summary>
internal sealed class BufferedConsoleSink : ILogEventSink, IDisposable
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly ITextFormatter _formatter;
    private readonly StreamWriter _output = new(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
    private readonly Lock _lock = new();
    private readonly Timer _timer;

    public BufferedConsoleSink(ITextFormatter formatter)
    {
        _formatter = formatter;
        _timer = new Timer(_ => Flush(), null, FlushInterval, FlushInterval);
    }

    // Each thread formats into its own buffer, outside the lock: with the request path running on
    // one event loop per core, formatting under the lock made the loops queue (spin, then sleep)
    // behind each other's log lines. The lock now covers only the copy into the output buffer.
    [ThreadStatic]
    private static StringWriter? t_line;

    public void Emit(LogEvent logEvent)
    {
        var line = t_line ??= new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        var text = line.GetStringBuilder();
        text.Clear();
        _formatter.Format(logEvent, line);
        lock (_lock)
        {
            foreach (var chunk in text.GetChunks())
            {
                _output.Write(chunk.Span);
            }
            if (logEvent.Level >= LogEventLevel.Warning)
            {
                _output.Flush();
            }
        }
        if (text.Capacity > MaxKeptLineCapacity)
        {
            t_line = null;
        }
    }

    private const int MaxKeptLineCapacity = 16 * 1024;

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
        _output.Dispose();
    }

    private void Flush()
    {
        lock (_lock)
        {
            try
            {
                _output.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException)
            {
                // Standard output went away (closed pipe); logging must never take the gateway down.
            }
        }
    }
}
