-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "BackupSource" AS ENUM ('backup', 'upload');

-- CreateTable
CREATE TABLE "backups" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "name" TEXT,
    "description" TEXT,
    "source" "BackupSource" NOT NULL DEFAULT 'backup',
    "schedule_id" TEXT,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "phase" TEXT,
    "percent" INTEGER NOT NULL DEFAULT 0,
    "bytes_done" BIGINT NOT NULL DEFAULT 0,
    "bytes_total" BIGINT NOT NULL DEFAULT 0,
    "vectors" BIGINT NOT NULL DEFAULT 0,
    "requested_collections" TEXT[],
    "collections" JSONB NOT NULL DEFAULT '[]',
    "size_bytes" BIGINT NOT NULL DEFAULT 0,
    "sha256" TEXT,
    "storage_prefix" TEXT NOT NULL,
    "error_code" TEXT,
    "error_message" TEXT,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "node_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "backups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "restores" (
    "id" TEXT NOT NULL,
    "tenant_id" TEXT NOT NULL,
    "backup_id" TEXT NOT NULL,
    "collections" TEXT[],
    "target_prefix" TEXT NOT NULL DEFAULT '',
    "overwrite" BOOLEAN NOT NULL DEFAULT false,
    "status" "JobStatus" NOT NULL DEFAULT 'queued',
    "phase" TEXT,
    "percent" INTEGER NOT NULL DEFAULT 0,
    "bytes_done" BIGINT NOT NULL DEFAULT 0,
    "bytes_total" BIGINT NOT NULL DEFAULT 0,
    "restored_collections" JSONB NOT NULL DEFAULT '[]',
    "error_code" TEXT,
    "error_message" TEXT,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "node_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "restores_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "backups_tenant_id_created_at_id_idx" ON "backups"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "backups_status_updated_at_idx" ON "backups"("status", "updated_at");

-- CreateIndex
CREATE INDEX "restores_tenant_id_created_at_idx" ON "restores"("tenant_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "restores_backup_id_idx" ON "restores"("backup_id");

-- CreateIndex
CREATE INDEX "restores_status_updated_at_idx" ON "restores"("status", "updated_at");

-- AddForeignKey
ALTER TABLE "backups" ADD CONSTRAINT "backups_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restores" ADD CONSTRAINT "restores_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;
