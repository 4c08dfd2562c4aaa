using System.Text.Json;
using Gateway.Tests.Infrastructure;

namespace Gateway.Tests.Hmac;

/// <summary>The contract's Python reference client (<c>reference_client.py</c>), run with <c>python3</c>.</summary>
internal static class PythonReferenceClient
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Hmac", "reference_client.py");

    /// <summary>The signature the reference client computes for these inputs.</summary>
    public static async Task<string> SignAsync(string secret, string method, string target, string timestamp, string nonce, byte[] body)
    {
        var result = await RunAsync("sign", "client-1", secret, method, target, timestamp, nonce, Convert.ToHexString(body));
        return result.Trim();
    }

    /// <summary>Sends a signed request the way the reference client does; returns its <c>{"status", "body"}</c>.</summary>
    public static async Task<JsonElement> SendAsync(string baseUrl, string keyId, string secret, string method, string target, byte[] body)
    {
        var result = await RunAsync("send", baseUrl, keyId, secret, method, target, Convert.ToHexString(body));
        return JsonDocument.Parse(result).RootElement.Clone();
    }

    private static async Task<string> RunAsync(params string[] args)
    {
        var result = await ExternalTool.RunAsync("python3", [Script, .. args], Timeout);
        return result.EnsureSuccess().StandardOutput;
    }
}
