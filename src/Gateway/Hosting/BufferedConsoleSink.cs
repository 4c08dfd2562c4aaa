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

    public void Emit(LogEvent logEvent)
    {
        lock (_lock)
        {
            _formatter.Format(logEvent, _output);
            if (logEvent.Level >= LogEventLevel.Warning)
            {
                _output.Flush();
            }
        }
    }

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
