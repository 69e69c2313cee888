-- AlterTable
ALTER TABLE "nodes" ADD COLUMN     "schedulable" BOOLEAN NOT NULL DEFAULT true;

-- CreateTable
CREATE TABLE "placements" (
    "tenant_id" TEXT NOT NULL,
    "node_id" TEXT NOT NULL,
    "epoch" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "placements_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "cluster_secrets" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cluster_secrets_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "placements_node_id_idx" ON "placements"("node_id");

-- AddForeignKey
ALTER TABLE "placements" ADD CONSTRAINT "placements_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "placements" ADD CONSTRAINT "placements_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
