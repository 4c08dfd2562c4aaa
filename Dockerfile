# Multi-stage build: the SDK image builds and publishes; the ASP.NET runtime image runs it as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Gateway.Auth/Gateway.Auth.csproj src/Gateway.Auth/
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/Gateway/Gateway.csproj
COPY appsettings.json appsettings.Development.json ./
COPY src/ src/
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# JSON request logs; config reloads that also work on ConfigMap/bind mounts (symlink swaps).
ENV ASPNETCORE_ENVIRONMENT=Production \
    Logging__Format=json \
    DOTNET_USE_POLLING_FILE_WATCHER=true
# The aspnet image ships a non-root user "app" (APP_UID=1654).
USER $APP_UID
EXPOSE 8443
ENTRYPOINT ["dotnet", "Gateway.dll"]
# The baked appsettings.json is the demo's config: in Production it lacks a server certificate, the
# HMAC secret and the Mtls CA, so the image does not start on it as is. Mount yours and point --config at it:
#   docker run -v $PWD/gateway:/etc/gateway:ro IMAGE --config /etc/gateway/appsettings.json
CMD ["--config", "/app/appsettings.json"]
