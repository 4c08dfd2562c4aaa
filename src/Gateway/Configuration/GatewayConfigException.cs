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
}
