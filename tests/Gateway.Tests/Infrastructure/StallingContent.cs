using System.Net;

namespace Gateway.Tests.Infrastructure;

/// <summary>
/// A request body that declares <c>declared</c> bytes, sends <c>sent</c> (flushed), then nothing until
/// the request is canceled: a client that stalls partway through its body.
/// </summary>
public sealed class StallingContent(byte[] sent, long declared) : HttpContent
{
    /// <summary><paramref name="sent"/> zero bytes of <paramref name="declared"/>.</summary>
    public StallingContent(int sent, long declared)
        : this(new byte[sent], declared)
    {
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(sent, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = declared;
        return true;
    }
}
