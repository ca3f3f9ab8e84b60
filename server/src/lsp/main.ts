// Entry point of the language server bundle; replaced by the real server wiring.
process.exit(0);
