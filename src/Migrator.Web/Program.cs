using Migrator.Core.Hosting;
using Migrator.Jobs.Hosting;
using Migrator.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMigratorCore();
builder.AddMigratorJobs();
builder.AddMigratorWeb();

var app = builder.Build();
app.MapMigratorWeb();
app.Run();
