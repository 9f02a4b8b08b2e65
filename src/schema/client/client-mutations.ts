// Filled in by the client work.
