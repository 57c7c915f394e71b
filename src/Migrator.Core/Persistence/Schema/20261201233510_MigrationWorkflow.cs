using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Migrator.Core.Persistence.Schema
{
    /// <inheritdoc />
    public partial class MigrationWorkflow : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AcceptedFindingsJson",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ApprovalRequestedAt",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovalRequestedBy",
                table: "Migrations",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ApprovedAt",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovedBy",
                table: "Migrations",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovedPlanHash",
                table: "Migrations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Blocker",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CutoverPlanJson",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CutoverStage",
                table: "Migrations",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DelegationChangedAt",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DelegationTtlSeconds",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DueAt",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "HostedZoneId",
                table: "Migrations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InventoryHash",
                table: "Migrations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InventoryJson",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "InventorySerial",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LintJson",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OldTtlSeconds",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PlanHash",
                table: "Migrations",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PlanJson",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RunningBy",
                table: "Migrations",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RunningSince",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RunningStep",
                table: "Migrations",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TargetNameServersJson",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "TtlsObservedAt",
                table: "Migrations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UpdaterTicksJson",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "Version",
                table: "Migrations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "ZoneUpload",
                table: "Migrations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DelegationSnapshots",
                columns: table => new
                {
                    MigrationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    TakenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Json = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DelegationSnapshots", x => x.MigrationId);
                    table.ForeignKey(
                        name: "FK_DelegationSnapshots_Migrations_MigrationId",
                        column: x => x.MigrationId,
                        principalTable: "Migrations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MigrationHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MigrationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Step = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Actor = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    EvidenceJson = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MigrationHistory", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MigrationHistory_Migrations_MigrationId",
                        column: x => x.MigrationId,
                        principalTable: "Migrations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MigrationOperations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    MigrationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ExternalId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    RequestJson = table.Column<string>(type: "TEXT", nullable: true),
                    ResultJson = table.Column<string>(type: "TEXT", nullable: true),
                    ConfirmedBy = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MigrationOperations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MigrationOperations_Migrations_MigrationId",
                        column: x => x.MigrationId,
                        principalTable: "Migrations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MigrationSamples",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MigrationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Ok = table.Column<bool>(type: "INTEGER", nullable: false),
                    Summary = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    DetailJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MigrationSamples", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MigrationSamples_Migrations_MigrationId",
                        column: x => x.MigrationId,
                        principalTable: "Migrations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Migrations_State",
                table: "Migrations",
                column: "State");

            migrationBuilder.CreateIndex(
                name: "IX_MigrationHistory_MigrationId_Id",
                table: "MigrationHistory",
                columns: new[] { "MigrationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_MigrationOperations_MigrationId_Key",
                table: "MigrationOperations",
                columns: new[] { "MigrationId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MigrationSamples_MigrationId_Kind_Id",
                table: "MigrationSamples",
                columns: new[] { "MigrationId", "Kind", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DelegationSnapshots");

            migrationBuilder.DropTable(
                name: "MigrationHistory");

            migrationBuilder.DropTable(
                name: "MigrationOperations");

            migrationBuilder.DropTable(
                name: "MigrationSamples");

            migrationBuilder.DropIndex(
                name: "IX_Migrations_State",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "AcceptedFindingsJson",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "ApprovalRequestedAt",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "ApprovalRequestedBy",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "ApprovedAt",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "ApprovedBy",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "ApprovedPlanHash",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "Blocker",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "CutoverPlanJson",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "CutoverStage",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "DelegationChangedAt",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "DelegationTtlSeconds",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "DueAt",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "HostedZoneId",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "InventoryHash",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "InventoryJson",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "InventorySerial",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "LintJson",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "OldTtlSeconds",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "PlanHash",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "PlanJson",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "RunningBy",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "RunningSince",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "RunningStep",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "TargetNameServersJson",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "TtlsObservedAt",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "UpdaterTicksJson",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Migrations");

            migrationBuilder.DropColumn(
                name: "ZoneUpload",
                table: "Migrations");
        }
    }
}
