using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Hmac;

/// <summary>Sends bytes exactly as written over TLS, for request targets HttpClient would normalise.</summary>
public sealed class RawHttpsClient(Uri baseAddress) : IDisposable
{
    public async Task<(int Status, string Response)> SendAsync(string request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        await using var tls = new SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, _, _, _) => true });
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request));
        await tls.FlushAsync();
        using var reader = new StreamReader(tls, Encoding.ASCII);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var response = await reader.ReadToEndAsync(cts.Token);
        var statusLine = response.Split("\r\n", 2)[0];
        var parts = statusLine.Split(' ');
        return (parts.Length > 1 && int.TryParse(parts[1], out var status) ? status : 0, response);
    }

    public void Dispose()
    {
    }
}
