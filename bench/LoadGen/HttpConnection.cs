using System.Buffers.Text;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Bench.LoadGen;

/// <summary>
/// A minimal HTTP/1.1 client connection (plain or TLS) that sends prepared request bytes and reads
/// the response to its end: status line, Content-Length or chunked body. Small and allocation-light
/// so the load generator takes as little of the shared CPU as it can.
/// </summary>
internal sealed class HttpConnection : IAsyncDisposable
{
    private static readonly byte[] CrlfCrlf = "\r\n\r\n"u8.ToArray();
    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private MemoryStream? _capture;

    private HttpConnection(Stream stream)
    {
        _stream = stream;
    }

    /// <summary>False once the server said <c>Connection: close</c> or ended a body by closing.</summary>
    public bool CanReuse { get; private set; } = true;

    public static async Task<HttpConnection> OpenAsync(IPEndPoint endPoint, SslClientAuthenticationOptions? tls, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            if (tls is not null)
            {
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    await ssl.AuthenticateAsClientAsync(tls, cancellationToken);
                }
                catch
                {
                    await ssl.DisposeAsync();
                    throw;
                }
                stream = ssl;
            }
            return new HttpConnection(stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request and reads its whole response; returns the status code.</summary>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(request, cancellationToken);
        return await ReadResponseAsync(cancellationToken);
    }

    /// <summary>Like <see cref="SendAsync"/>, and also returns the body (for the preflight check).</summary>
    public async ValueTask<(int Status, byte[] Body)> SendCapturingAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        _capture = new MemoryStream();
        try
        {
            var status = await SendAsync(request, cancellationToken);
            return (status, _capture.ToArray());
        }
        finally
        {
            _capture = null;
        }
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();

    private async ValueTask<int> ReadResponseAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        var headerEnd = await FindAsync(CrlfCrlf, cancellationToken);
        var head = _buffer.AsSpan(_start, headerEnd - _start);
        if (head.Length < 12 || !head.StartsWith("HTTP/1."u8) || !Utf8Parser.TryParse(head.Slice(9, 3), out int status, out _))
        {
            throw new IOException("malformed HTTP status line");
        }

        long contentLength = -1;
        var chunked = false;
        var lines = head[(head.IndexOf(Crlf) + 2)..];
        while (lines.Length > 0)
        {
            var lineEnd = lines.IndexOf(Crlf);
            var line = lineEnd < 0 ? lines : lines[..lineEnd];
            lines = lineEnd < 0 ? default : lines[(lineEnd + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out _))
                {
                    throw new IOException("malformed Content-Length");
                }
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = value.IndexOf("chunked"u8) >= 0;
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8) && Ascii.EqualsIgnoreCase(value, "close"u8))
            {
                CanReuse = false;
            }
        }
        _start = headerEnd + CrlfCrlf.Length;

        if (status is 204 or 304 || (status >= 100 && status < 200))
        {
            return status;
        }
        if (chunked)
        {
            await SkipChunkedAsync(cancellationToken);
        }
        else if (contentLength >= 0)
        {
            await SkipAsync(contentLength, cancellationToken);
        }
        else
        {
            await SkipToEndAsync(cancellationToken);
            CanReuse = false;
        }
        return status;
    }

    private async ValueTask SkipChunkedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lineEnd = await FindAsync(Crlf, cancellationToken);
            var sizeText = _buffer.AsSpan(_start, lineEnd - _start);
            var extension = sizeText.IndexOf((byte)';');
            if (extension >= 0)
            {
                sizeText = sizeText[..extension];
            }
            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out ulong size, out _, 'x') || size > int.MaxValue)
            {
                throw new IOException("malformed chunk size");
            }
            _start = lineEnd + Crlf.Length;
            if (size == 0)
            {
                while (true)
                {
                    var trailerEnd = await FindAsync(Crlf, cancellationToken);
                    var empty = trailerEnd == _start;
                    _start = trailerEnd + Crlf.Length;
                    if (empty)
                    {
                        return;
                    }
                }
            }
            await SkipAsync((long)size, cancellationToken);
            var dataEnd = await FindAsync(Crlf, cancellationToken);
            _start = dataEnd + Crlf.Length;
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end)
            {
                _start = _end = 0;
                await FillAsync(cancellationToken);
            }
            var take = (int)Math.Min(count, _end - _start);
            _capture?.Write(_buffer, _start, take);
            _start += take;
            count -= take;
        }
    }

    private async ValueTask SkipToEndAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            _capture?.Write(_buffer, _start, _end - _start);
            _start = _end = 0;
            var read = await _stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                return;
            }
            _end = read;
        }
    }

    /// <summary>Index (in <see cref="_buffer"/>) where <paramref name="pattern"/> starts at or after the cursor.</summary>
    private async ValueTask<int> FindAsync(byte[] pattern, CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf(pattern);
            if (index >= 0)
            {
                return _start + index;
            }
            await FillAsync(cancellationToken);
        }
    }

    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                throw new IOException("response head larger than the read buffer");
            }
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0)
        {
            throw new IOException("connection closed by the server mid-response");
        }
        _end += read;
    }
}
