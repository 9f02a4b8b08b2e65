// Care plans, goals, goal progress, interventions and plan reviews (DOMAIN.md). The rules live
// in ./care-plans/*; every change to a plan appends a CarePlanRevision (its version history).
export * from './care-plans/plans.js';
export * from './care-plans/goals.js';
export * from './care-plans/interventions.js';
export * from './care-plans/reviews.js';
export { carePlanWhere } from './care-plans/shared.js';
