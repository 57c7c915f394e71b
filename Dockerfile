# Migrator dashboard: multi-stage build (SDK → ASP.NET runtime). Data (SQLite databases, sign-in keys) lives in /data.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the project files only, so code changes reuse the package layer.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Migrator.Core/Migrator.Core.csproj src/Migrator.Core/
COPY src/Migrator.Jobs/Migrator.Jobs.csproj src/Migrator.Jobs/
COPY src/Migrator.Sandbox/Migrator.Sandbox.csproj src/Migrator.Sandbox/
COPY src/Migrator.Web/Migrator.Web.csproj src/Migrator.Web/
RUN dotnet restore src/Migrator.Web/Migrator.Web.csproj
COPY src/ src/
RUN dotnet publish src/Migrator.Web/Migrator.Web.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The image's non-root user must own the data directory; a new named volume copies this ownership.
RUN mkdir -p /data && chown "$APP_UID" /data
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Migrator__DataDirectory=/data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["dotnet", "Migrator.Web.dll"]
