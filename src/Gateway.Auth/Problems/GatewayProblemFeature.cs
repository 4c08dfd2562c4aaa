namespace Gateway.Auth.Problems;

/// <summary>
/// Set on the request when the gateway answers it itself with an error, so that the request log line
/// can say why without parsing the response.
/// </summary>
public sealed record GatewayProblemFeature(int StatusCode, string Detail);
