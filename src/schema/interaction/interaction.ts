// Filled in by the interaction work.
