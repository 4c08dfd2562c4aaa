using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// One TLS connection to the gateway driven by hand: write bytes when the test chooses, read one
/// response at a time. For what a client sees between two writes, or on the same connection after
/// an answer, which <see cref="RawHttp"/> (one request per connection) cannot show.
/// </summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly SslStream _tls;
    private readonly StringBuilder _pending = new();
    private readonly byte[] _buffer = new byte[8192];

    private RawHttpConnection(TcpClient tcp, SslStream tls)
    {
        _tcp = tcp;
        _tls = tls;
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri gateway)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.Host, gateway.Port);
        var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" });
        return new RawHttpConnection(tcp, tls);
    }

    public Task WriteAsync(string text) => WriteAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Writes <paramref name="bytes"/>; a server that stops reading without closing fails the write after 30 s rather than hanging the test.</summary>
    public async Task WriteAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _tls.WriteAsync(bytes, timeout.Token);
        await _tls.FlushAsync(timeout.Token);
    }

    /// <summary>
    /// The next whole response (head and Content-Length body), or what arrived before the server
    /// closed the connection or <paramref name="timeout"/> passed (then <see cref="Closed"/> tells which).
    /// </summary>
    public async Task<string> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (RawHttp.WholeResponseLength(_pending.ToString()) is null && await ReadMoreAsync(cts.Token))
        {
        }
        var text = _pending.ToString();
        var take = RawHttp.WholeResponseLength(text) ?? text.Length;
        _pending.Remove(0, take);
        return text[..take];
    }

    /// <summary>
    /// Everything the server sends until it closes or is quiet for <paramref name="quiet"/>, or, with
    /// <paramref name="untilFirstResponse"/>, as soon as one whole response has arrived.
    /// </summary>
    public async Task<string> ReadUntilQuietAsync(TimeSpan quiet, bool untilFirstResponse)
    {
        while (true)
        {
            using var cts = new CancellationTokenSource(quiet);
            if (!await ReadMoreAsync(cts.Token) || (untilFirstResponse && RawHttp.WholeResponseLength(_pending.ToString()) is not null))
            {
                break;
            }
        }
        var text = _pending.ToString();
        _pending.Clear();
        return text;
    }

    /// <summary>Reads what has arrived into the pending text; false when the server closed the connection (<see cref="Closed"/>) or <paramref name="cancel"/> fired.</summary>
    private async Task<bool> ReadMoreAsync(CancellationToken cancel)
    {
        int read;
        try
        {
            read = await _tls.ReadAsync(_buffer, cancel);
        }
        catch (IOException)
        {
            read = 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        if (read == 0)
        {
            Closed = true;
            return false;
        }
        _pending.Append(Encoding.ASCII.GetString(_buffer, 0, read));
        return true;
    }

    /// <summary>True once a read found the connection closed (or reset) by the server.</summary>
    public bool Closed { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _tls.DisposeAsync();
        _tcp.Dispose();
    }
}
