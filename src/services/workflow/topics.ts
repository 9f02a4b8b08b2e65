// Topic names, id-scoped so an instance subscribes only to what its subscribers need.
export const topics = {
  case: (caseId: string) => `case:${caseId}`,
  client: (clientId: string) => `client:${clientId}`,
  crisisOrganization: (organizationId: string) => `crisis-org:${organizationId}`,
  staff: (staffId: string) => `staff:${staffId}`,
  provider: (providerId: string) => `provider:${providerId}`,
  organization: (organizationId: string) => `org:${organizationId}`,
  compliance: (organizationId: string) => `compliance:${organizationId}`,
} as const;
