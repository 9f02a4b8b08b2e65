// Filled in by the assessment work.
