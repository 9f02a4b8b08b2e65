-- CreateIndex
CREATE INDEX "Approval_caseId_idx" ON "Approval"("caseId");

-- CreateIndex
CREATE INDEX "BreakGlassGrant_clientId_expiresAt_idx" ON "BreakGlassGrant"("clientId", "expiresAt");

-- CreateIndex
CREATE INDEX "CaseTransfer_toOrganizationId_status_idx" ON "CaseTransfer"("toOrganizationId", "status");

-- CreateIndex
CREATE INDEX "CaseTransfer_toStaffId_status_idx" ON "CaseTransfer"("toStaffId", "status");

-- CreateIndex
CREATE INDEX "Client_mergedIntoId_idx" ON "Client"("mergedIntoId");

-- CreateIndex
CREATE INDEX "Consent_granteeOrganizationId_idx" ON "Consent"("granteeOrganizationId");

-- CreateIndex
CREATE INDEX "Consent_granteeProviderId_idx" ON "Consent"("granteeProviderId");

-- CreateIndex
CREATE INDEX "Consent_granteeRelatedPersonId_idx" ON "Consent"("granteeRelatedPersonId");

-- CreateIndex
CREATE INDEX "FollowUp_clientId_scheduledFor_idx" ON "FollowUp"("clientId", "scheduledFor");

-- CreateIndex
CREATE INDEX "GoalProgress_interactionId_idx" ON "GoalProgress"("interactionId");

-- CreateIndex
CREATE INDEX "InteractionParticipant_staffId_idx" ON "InteractionParticipant"("staffId");

-- CreateIndex
CREATE INDEX "InteractionParticipant_relatedPersonId_idx" ON "InteractionParticipant"("relatedPersonId");

-- CreateIndex
CREATE INDEX "InteractionParticipant_providerId_idx" ON "InteractionParticipant"("providerId");

-- CreateIndex
CREATE INDEX "Intervention_goalId_idx" ON "Intervention"("goalId");

-- CreateIndex
CREATE INDEX "Intervention_referralId_idx" ON "Intervention"("referralId");

-- CreateIndex
CREATE INDEX "Referral_serviceId_idx" ON "Referral"("serviceId");

-- CreateIndex
CREATE INDEX "Task_status_dueAt_idx" ON "Task"("status", "dueAt");
