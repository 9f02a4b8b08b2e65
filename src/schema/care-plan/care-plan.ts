// Filled in by the care-plan work.
