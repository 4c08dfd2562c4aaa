using System.Globalization;
using System.Text;

namespace Bench.LoadGen;

/// <summary>
/// Makes the bytes of the next request for one connection. Fixed requests are built once; HMAC
/// requests get a fresh timestamp, nonce and signature every time, signed exactly as the
/// contract's reference client does: <c>"{method}\n{path}\n{timestamp}\n{nonce}\n" + body</c>.
/// </summary>
internal sealed class RequestWriter
{
    private readonly string _head;
    private readonly byte[]? _fixed;
    private readonly string _path;
    private readonly byte[]? _hmacSecret;
    private readonly string? _hmacKeyId;
    private readonly byte[] _buffer = new byte[4096];

    public RequestWriter(RowSpec row, BenchEnvironment env, string host, string? bearerToken)
    {
        _path = row.Path;
        var head = new StringBuilder()
            .Append("GET ").Append(row.Path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(host).Append("\r\n")
            .Append("User-Agent: gateway-bench\r\n")
            .Append("Accept: application/json\r\n");
        if (row.NewConnectionPerRequest)
        {
            head.Append("Connection: close\r\n");
        }
        switch (row.Credential)
        {
            case Credential.ApiKey:
                head.Append("X-API-Key: ").Append(env.ApiKey).Append("\r\n");
                break;
            case Credential.Bearer:
                head.Append("Authorization: Bearer ").Append(bearerToken).Append("\r\n");
                break;
            case Credential.Hmac:
                _hmacSecret = Encoding.UTF8.GetBytes(env.HmacSecret);
                _hmacKeyId = env.HmacKeyId;
                break;
            case Credential.None:
            case Credential.ClientCertificate:
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(row), row.Credential, "unknown credential");
        }
        _head = head.ToString();
        if (_hmacSecret is null)
        {
            _fixed = Encoding.ASCII.GetBytes(_head + "\r\n");
        }
    }

    public ReadOnlyMemory<byte> Next()
    {
        if (_fixed is not null)
        {
            return _fixed;
        }

        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        // Signed by the project's client (the one definition of what is signed, pinned to the Python reference by tests).
        var nonce = Gateway.Client.HmacSigningHandler.NewNonce();
        var signature = Gateway.Client.HmacSigningHandler.Sign(_hmacSecret, "GET", _path, timestamp, nonce, default);
        var request = string.Create(CultureInfo.InvariantCulture,
            $"{_head}X-API-Key: {_hmacKeyId}\r\nX-Timestamp: {timestamp}\r\nX-Nonce: {nonce}\r\nX-Signature: {signature}\r\n\r\n");
        var length = Encoding.ASCII.GetBytes(request, _buffer);
        return _buffer.AsMemory(0, length);
    }
}
