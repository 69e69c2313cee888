-- CreateEnum
CREATE TYPE "BackupVerification" AS ENUM ('ok', 'failed');

-- AlterTable
ALTER TABLE "backups" ADD COLUMN     "verification" "BackupVerification",
ADD COLUMN     "verification_code" TEXT,
ADD COLUMN     "verification_message" TEXT,
ADD COLUMN     "verified_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "backups_verification_idx" ON "backups"("verification");
