// Care plans, goals, goal progress, interventions and plan reviews: node types and the
// carePlans query (./types.ts), mutations (./mutations.ts). Rules: src/services/care-plans.
export { CarePlan, CarePlanRevision, Goal, GoalProgress, Intervention, PlanReview } from './types.js';
import './mutations.js';
