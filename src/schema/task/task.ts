// Filled in by the task work.
