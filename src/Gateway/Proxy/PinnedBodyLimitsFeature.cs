using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Gateway.Proxy;

/// <summary>
/// Stands in for Kestrel's body size and data rate features on one request: reads and new limits pass
/// through to Kestrel, which enforces its own state; removing a limit (setting it to null) is ignored.
/// </summary>
internal sealed class PinnedBodyLimitsFeature : IHttpMaxRequestBodySizeFeature, IHttpMinRequestBodyDataRateFeature
{
    // Each is read only through the interface it was installed as, so only when it is there.
    private readonly IHttpMaxRequestBodySizeFeature? _size;
    private readonly IHttpMinRequestBodyDataRateFeature? _rate;

    private PinnedBodyLimitsFeature(IHttpMaxRequestBodySizeFeature? size, IHttpMinRequestBodyDataRateFeature? rate)
    {
        _size = size;
        _rate = rate;
    }

    public bool IsReadOnly => _size!.IsReadOnly;

    public long? MaxRequestBodySize
    {
        get => _size!.MaxRequestBodySize;
        set
        {
            if (value is not null)
            {
                _size!.MaxRequestBodySize = value;
            }
        }
    }

    public MinDataRate? MinDataRate
    {
        get => _rate!.MinDataRate;
        set
        {
            if (value is not null)
            {
                _rate!.MinDataRate = value;
            }
        }
    }

    /// <summary>Stands one instance in for whichever of the two features the request has.</summary>
    public static void Install(IFeatureCollection features)
    {
        var size = features.Get<IHttpMaxRequestBodySizeFeature>();
        var rate = features.Get<IHttpMinRequestBodyDataRateFeature>();
        if (size is null && rate is null)
        {
            return;
        }
        var pinned = new PinnedBodyLimitsFeature(size, rate);
        if (size is not null)
        {
            features.Set<IHttpMaxRequestBodySizeFeature>(pinned);
        }
        if (rate is not null)
        {
            features.Set<IHttpMinRequestBodyDataRateFeature>(pinned);
        }
    }
}
