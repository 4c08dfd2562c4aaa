namespace Gateway.Hosting;

/// <summary>
/// Runs socket completions and Kestrel's request processing on the socket engine's own threads
/// (one per core) instead of handing every read and write to the thread pool: nginx's model of
/// one event loop per core. On a small machine the hand-offs were the largest single cost of a
/// proxied request (thread wake-ups and context switches, see bench/README.md). Nothing on the
/// gateway's request path blocks a thread; work that is CPU-heavy (TLS handshakes, signature
/// checks) holds its event loop as it would hold an nginx worker.
/// </summary>
/// <remarks>
/// The runtime reads <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c> once, when the first
/// socket is used, so <see cref="Apply"/> must run before anything opens one. An operator who sets
/// the variable to anything but <c>1</c> gets the runtime's default thread-pool dispatch.
/// </remarks>
internal static class SocketScheduling
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the environment already decided.</summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }

    /// <summary>True when the runtime inlines socket completions, so Kestrel should inline too.</summary>
    public static bool Inline => Environment.GetEnvironmentVariable(Variable) == "1";
}
