namespace Bench.LoadGen;

internal enum ProxyKind
{
    Gateway,
    Nginx,
}
