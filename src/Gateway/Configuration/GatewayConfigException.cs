namespace Gateway.Configuration;

/// <summary>The config is invalid; <see cref="Errors"/> names each route or client and field at fault.</summary>
public sealed class GatewayConfigException : Exception
{
    public GatewayConfigException(IReadOnlyList<string> errors)
        : base("invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public GatewayConfigException()
        : this([])
    {
    }

    public GatewayConfigException(string message)
        : this([message])
    {
    }

    public GatewayConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; } = [];

    /// <summary>
    /// What building or starting the app throws for config the gateway's own checks do not cover
    /// (Kestrel and YARP report bad endpoints, certificates and routes this way): serving and
    /// <c>validate</c> report it as an error, not a crash.
    /// </summary>
    public static bool IsStartupConfigFailure(Exception exception) =>
        exception is InvalidOperationException or IOException or FormatException or System.Security.Cryptography.CryptographicException;
}
